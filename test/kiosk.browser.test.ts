import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import type { Snapshot } from '../shared/schemas/board.js';
import { launchChromium, pauseClock, storeUrl } from './helpers/browser.js';
import { storeDay } from '../shared/tracking.js';
import { TEST_PIN, post, startTestHub, tempDir } from './helpers/hub.js';
import { eventually } from './helpers/screens.js';

const SHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');
/** A 10.9-inch tablet, landscape and portrait, in CSS pixels. */
const TABLET = { width: 1180, height: 820 };
const TABLET_PORTRAIT = { width: 820, height: 1180 };
const IDLE_S = 60;
const UNDO_S = 600;

async function board(hub: Hub): Promise<Snapshot> {
  return (await (await fetch(`${hub.url}/api/board`)).json()) as Snapshot;
}

describe('the kiosk, the tracker and the staff console in Chromium', () => {
  let hub: Hub;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    const config = path.join(tempDir(), 'store.json');
    // The undo window is wide here so that the variable work a browser does before pressing Undo can
    // never outlast it; its edges are tested on a controlled clock in staff-undo.test.ts. The idle
    // time-out is the default minute: the idle test moves the page's clock instead of waiting.
    writeFileSync(config, JSON.stringify({ storeName: 'Bun & Thread', kiosk: { idleSeconds: IDLE_S }, staff: { undoSeconds: UNDO_S } }));
    hub = await startTestHub({ CONFIG: config });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: TABLET });
    context.setDefaultTimeout(8_000);
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  const open = async (route: string, viewport = TABLET): Promise<Page> => {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(storeUrl(hub.url, route));
    return page;
  };

  async function orderOnKiosk(kiosk: Page, name: string): Promise<string> {
    await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
    await kiosk.locator('button.product[data-sku="tote-print"]').click();
    await kiosk.getByRole('button', { name: 'Ink' }).click();
    await kiosk.getByRole('button', { name: 'One more' }).click();
    await kiosk.getByPlaceholder('e.g. Sam').fill(name);
    await kiosk.screenshot({ path: path.join(SHOTS, 'kiosk-choose.png') });
    await kiosk.getByRole('button', { name: /^Order 2 × Printed tote \(Ink\)$/ }).click();
    return (await kiosk.getByTestId('order-number').textContent())!.trim();
  }

  it('takes an order on /kiosk that shows on /display and on /track/NUMBER; staff move it to ready and off', { timeout: 60_000 }, async () => {
    const kiosk = await open('/kiosk');
    await kiosk.locator('button.product').first().waitFor();
    await kiosk.screenshot({ path: path.join(SHOTS, 'kiosk-menu.png') });
    const left = await kiosk.locator('button.product[data-sku="tote-print"] .left').textContent();
    expect(left).toBe('30 left today');

    const number = await orderOnKiosk(kiosk, 'Sam');
    expect(number).toMatch(/^K\d+$/);
    await kiosk.locator('.qr svg').waitFor();
    await kiosk.screenshot({ path: path.join(SHOTS, 'kiosk-order-placed.png') });
    const order = (await board(hub)).orders.find((o) => o.number === number)!;
    expect(order).toMatchObject({ name: 'Sam', status: 'queued', items: [{ sku: 'tote-print', variant: 'ink', qty: 2 }] });

    const display = await open('/display', { width: 1920, height: 1080 });
    const card = (kind: string) => display.locator(`section.column.${kind} [data-order="${order.id}"]`);
    await card('preparing').waitFor();
    expect(await card('preparing').locator('.number').textContent()).toBe(number);

    const phone = await open(`/track/${number}`, { width: 390, height: 844 });
    await phone.locator('main.track[data-status="queued"]').waitFor();

    // What is left went down on every kiosk, live.
    await kiosk.getByRole('button', { name: 'Done' }).click();
    await kiosk.locator('button.product[data-sku="tote-print"] .left', { hasText: '28 left today' }).waitFor();

    const staff = await open('/staff');
    await staff.getByPlaceholder('e.g. Ana').fill('Ana');
    for (const digit of TEST_PIN) await staff.getByRole('button', { name: digit, exact: true }).click();
    await staff.getByRole('button', { name: 'Log in' }).click();
    const row = staff.locator(`article.order[data-order="${order.id}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: 'Start' }).click();
    await staff.locator(`article.order[data-order="${order.id}"][data-status="in_production"]`).waitFor();
    await row.getByRole('button', { name: 'Ready' }).click();
    await card('ready').waitFor();
    await card('preparing').waitFor({ state: 'detached' });
    await phone.locator('main.track[data-status="ready"]').waitFor();
    // The figures panel follows: one order ready today, charts drawn.
    await staff
      .getByRole('region', { name: 'Today' })
      .locator('dd', { hasText: /^1 · 1$/ })
      .waitFor();
    expect(await staff.locator('.insight canvas').count()).toBe(2);
    await staff.screenshot({ path: path.join(SHOTS, 'staff-console.png') });

    await row.getByRole('button', { name: 'Picked up' }).click();
    await display.locator(`[data-order="${order.id}"]`).waitFor({ state: 'detached' });
    await phone.locator('main.track[data-status="gone"]').waitFor();
    expect((await board(hub)).orders.some((o) => o.id === order.id)).toBe(false);

    // Undo, pressed right after the action it takes back (the newest toast, last), brings the order back to Ready everywhere.
    await staff.getByRole('button', { name: /^Undo/ }).last().click();
    await card('ready').waitFor();
    await phone.locator('main.track[data-status="ready"]').waitFor();

    // The console's export link serves today's events with the session alone.
    const href = (await staff.getByRole('link', { name: 'CSV' }).getAttribute('href'))!;
    const csv = await staff.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, text: await res.text() };
    }, href);
    expect(csv.status).toBe(200);
    expect(csv.text.split('\n')[0]).toBe('at,time,type,seq,id,number,status,who,detail');
    expect(csv.text).toContain(`staff_advance,,${order.id}`);

    // Staff add a screen on the console; it is listed once it connects, and its Reload button reloads it.
    const screensPanel = staff.getByRole('region', { name: 'Screens' });
    // A name the hub would refuse says why at once, uncut, and cannot be sent.
    for (const bad of ['front window', 'x'.repeat(100)]) {
      await screensPanel.getByLabel(/Screen name/).fill(bad);
      await screensPanel.getByRole('alert').filter({ hasText: 'Screen name: 1–48 letters, digits' }).waitFor();
      expect(await screensPanel.getByLabel(/Screen name/).inputValue()).toBe(bad);
      expect(await screensPanel.getByRole('button', { name: 'Add screen' }).isDisabled()).toBe(true);
    }
    await screensPanel.getByLabel(/Screen name/).fill('front-window');
    await screensPanel.getByRole('button', { name: 'Add screen' }).click();
    const screenRow = screensPanel.locator('p.row', { hasText: 'front-window' });
    await screenRow.getByText('not connected yet').waitFor({ timeout: 10_000 });
    const window = await open('/display?screen=front-window', { width: 1280, height: 720 });
    await window.locator('.stage[data-connected="true"]').waitFor();
    await screenRow.getByText('online').waitFor({ timeout: 10_000 });
    const reloaded = window.waitForEvent('load');
    await screenRow.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    // Removing takes a second tap, and a double tap is not one: the second half lands on a button still inert.
    await screenRow.getByRole('button', { name: 'Remove' }).dblclick();
    await screenRow.getByRole('button', { name: 'Remove?' }).waitFor();
    expect(await screenRow.count()).toBe(1);
    // A second tap a moment later removes it; the screen keeps its board, unlisted.
    await screenRow.getByRole('button', { name: 'Remove?' }).click();
    await screenRow.waitFor({ state: 'detached', timeout: 10_000 });
    await window.locator('.stage[data-connected="true"]').waitFor();
    await window.close();

    await staff.setViewportSize(TABLET_PORTRAIT);
    await staff.screenshot({ path: path.join(SHOTS, 'staff-console-portrait.png') });
    await Promise.all([kiosk.close(), display.close(), phone.close(), staff.close()]);
  });

  it("follows today's order on /track/NUMBER and never shows the name of another day's order under that number", async () => {
    const yesterday = storeDay(Date.now() - 86_400_000);
    const today = storeDay(Date.now());
    const put = async (id: string, number: string, name: string, status = 'queued') =>
      expect(
        (await post(`${hub.url}/api/orders`, { id, number, name, items: [{ sku: 'tote-print', qty: 1 }], status, updatedAt: Date.now() })).status,
      ).toBeLessThan(300);
    // Yesterday's K777 was never finished; today's K777 (as a hub before numbers skipped those on the board could give).
    await put(`kiosk-${yesterday}-777`, 'K777', 'Yesterday Yara');
    await put(`kiosk-${today}-777`, 'K777', 'Today Tove');
    await put(`kiosk-${yesterday}-778`, 'K778', 'Yesterday Yusuf');

    const phone = await open('/track/K777', { width: 390, height: 844 });
    await phone.locator('main.track[data-status="queued"]').waitFor();
    expect(await phone.locator('.name').textContent()).toBe('Today Tove');
    // Today's order is picked up: the page says so, and yesterday's K777 does not take its place.
    await put(`kiosk-${today}-777`, 'K777', 'Today Tove', 'picked_up');
    await phone.locator('main.track[data-status="gone"]').waitFor();
    expect(await phone.locator('main.track').textContent()).not.toContain('Yara');

    // Only another day's order under the number: its progress, not its name.
    const other = await open('/track/K778', { width: 390, height: 844 });
    await other.locator('main.track[data-status="queued"]').waitFor();
    expect(await other.locator('.name').count()).toBe(0);
    expect(await other.locator('main.track').textContent()).not.toContain('Yusuf');
    await Promise.all([phone.close(), other.close()]);
  });

  it('shows a device that has taken its share of a run why it cannot order more, instead of pausing', async () => {
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(
      config,
      JSON.stringify({
        catalogue: [{ sku: 'tote-print', name: 'Printed tote', variants: [{ id: 'ink', name: 'Ink' }], runSize: 4, runQuantity: 30 }],
        kiosk: { maxShareOfRun: 0.25 },
      }),
    );
    const shop = await startTestHub({ CONFIG: config });
    const kiosk = await context.newPage();
    try {
      // A quarter of 30 is 7 per 10 minutes; this address (the test's and the page's) has had 4.
      expect((await post(`${shop.url}/api/kiosk/orders`, { key: 'earlier-order-0001', sku: 'tote-print', variant: 'ink', qty: 4 }, null)).status).toBe(201);
      await kiosk.goto(storeUrl(shop.url, '/kiosk'));
      await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
      await kiosk.locator('button.product[data-sku="tote-print"]').click();
      for (let i = 1; i < 4; i++) await kiosk.getByRole('button', { name: 'One more' }).click();
      await kiosk.getByRole('button', { name: /^Order 4 × Printed tote \(Ink\)$/ }).click();
      await kiosk.getByRole('alert').filter({ hasText: 'Please order at the counter' }).waitFor();
      expect(await kiosk.getByText('Ordering paused').count()).toBe(0);
      expect((await board(shop)).orders).toHaveLength(1);
    } finally {
      await kiosk.close();
      await shop.close();
    }
  });

  it('shows a device over its orders a minute why it cannot order, and never places the order by itself later', async () => {
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(config, JSON.stringify({ kiosk: { ordersPerMinute: 1 } }));
    const shop = await startTestHub({ CONFIG: config });
    const kiosk = await context.newPage();
    try {
      // This address (the test's and the page's) has had its one order this minute.
      expect((await post(`${shop.url}/api/kiosk/orders`, { key: 'earlier-order-0002', sku: 'cardamom-bun', variant: 'classic', qty: 1 }, null)).status).toBe(
        201,
      );
      await kiosk.goto(storeUrl(shop.url, '/kiosk'));
      await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
      await kiosk.locator('button.product[data-sku="cinnamon-knot"]').click();
      await kiosk.getByRole('button', { name: 'Orange zest' }).click();
      const sent = kiosk.waitForResponse((r) => r.url().endsWith('/api/kiosk/orders'));
      await kiosk.getByRole('button', { name: /^Order 1 × Cinnamon knot \(Orange zest\)$/ }).click();
      expect((await sent).status()).toBe(429);
      await kiosk.getByRole('alert').filter({ hasText: 'order at the counter' }).waitFor();
      expect(await kiosk.getByText('Ordering paused').count()).toBe(0);
      // Not sent again: a retry would place it once the minute is over, for a customer long gone.
      const again = kiosk
        .waitForRequest((r) => r.url().endsWith('/api/kiosk/orders'), { timeout: 2_500 })
        .then(
          () => true,
          () => false,
        );
      expect(await again).toBe(false);
      expect((await board(shop)).orders).toHaveLength(1);
    } finally {
      await kiosk.close();
      await shop.close();
    }
  });

  it('makes one order when the customer double-taps Order', async () => {
    const kiosk = await open('/kiosk');
    await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
    const before = (await board(hub)).orders.length;
    await kiosk.locator('button.product[data-sku="cinnamon-knot"]').click();
    await kiosk.getByRole('button', { name: 'Orange zest' }).click();
    await kiosk.getByRole('button', { name: /^Order 1 × Cinnamon knot \(Orange zest\)$/ }).dblclick();
    const number = (await kiosk.getByTestId('order-number').textContent())!.trim();
    const after = await board(hub);
    expect(after.orders.length).toBe(before + 1);
    expect(after.orders.filter((o) => o.items[0]?.sku === 'cinnamon-knot')).toHaveLength(1);
    expect(after.orders.some((o) => o.number === number)).toBe(true);
    await kiosk.close();
  });

  it('goes back to its start screen when left alone, not before', async () => {
    // The page's clock is the test's: the idle time-out is exact, whatever the machine's load. Paused before
    // the tap, so the time a loaded machine takes between the tap and the first step does not count.
    // A context of its own: a page's clock is its context's, and a paused clock would hold every later page's timers.
    const own = await browser.newContext({ viewport: TABLET });
    const kiosk = await own.newPage();
    await kiosk.clock.install();
    await kiosk.goto(storeUrl(hub.url, '/kiosk'));
    await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
    await pauseClock(kiosk);
    await kiosk.locator('button.product[data-sku="cardamom-bun"]').click();
    await kiosk.getByRole('heading', { name: 'Cardamom bun' }).waitFor();
    await kiosk.clock.runFor(IDLE_S * 1000 - 500);
    expect(await kiosk.getByRole('heading', { name: 'Cardamom bun' }).isVisible()).toBe(true);
    await kiosk.clock.runFor(1_000);
    await kiosk.getByRole('heading', { name: 'What would you like?' }).waitFor();
    await own.close();
  });

  it('goes back to its start screen while an order cannot get through, and never places it later', async () => {
    // A hub of its own with a short idle time-out: this waits the real one out, because the retries that kept
    // restarting it are real requests, and a moved clock would not wait for them.
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(config, JSON.stringify({ kiosk: { idleSeconds: 5 } }));
    const own = await startTestHub({ CONFIG: config });
    const kiosk = await context.newPage();
    let tries = 0;
    try {
      // The order's requests fail on the way (a hub restarting, a network cut); the socket stays up.
      await kiosk.route('**/api/kiosk/orders', (route) => {
        tries++;
        return route.abort('connectionreset');
      });
      await kiosk.goto(storeUrl(own.url, '/kiosk'));
      await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
      await kiosk.locator('button.product[data-sku="cinnamon-knot"]').click();
      await kiosk.getByRole('button', { name: 'Orange zest' }).click();
      await kiosk.getByRole('button', { name: /^Order 1 × Cinnamon knot \(Orange zest\)$/ }).click();
      // Retries come 0.5, 1, 2 and 4 s apart: each restarted the 5 s idle time-out, so it never came.
      await kiosk.getByRole('heading', { name: 'What would you like?' }).waitFor({ timeout: 15_000 });
      expect(tries).toBeGreaterThanOrEqual(2);
      // The way is clear again, and the abandoned attempt must not be sent: a retry waits at most 4 s.
      await kiosk.unroute('**/api/kiosk/orders');
      const sent = new Promise<boolean>((resolve) => {
        kiosk.on('request', (r) => r.url().includes('/api/kiosk/orders') && resolve(true));
        setTimeout(() => resolve(false), 5_000).unref();
      });
      expect(await sent).toBe(false);
      expect([...own.board.orders()]).toHaveLength(0);
    } finally {
      await kiosk.close();
      await own.close();
    }
  }, 60_000);

  it("never shows a phone another customer's order given the same number after the store lost its data", async () => {
    const first = await startTestHub({ DATA_DIR: tempDir() });
    const phone = await context.newPage();
    const display = await context.newPage();
    const order = { sku: 'cinnamon-knot', variant: 'orange', qty: 1 };
    const numberOf = (res: { json: unknown }) => (res.json as { data: { order: { number: string } } }).data.order.number;
    try {
      const olga = await post(`${first.url}/api/kiosk/orders`, { key: 'olga-attempt-0000001', ...order, name: 'Old Olga' }, null);
      const number = numberOf(olga);
      await phone.goto(storeUrl(first.url, `/track/${number}`));
      await phone.getByText('Old Olga').waitFor();
      await first.close();
      // The hub comes back on a store with nothing in it: numbers start again from the first.
      const second = await startTestHub({ DATA_DIR: tempDir(), PORT: String(first.port) });
      try {
        await phone.locator('main.track[data-status="gone"]').waitFor({ timeout: 15_000 });
        const nina = await post(`${second.url}/api/kiosk/orders`, { key: 'nina-attempt-0000001', ...order, name: 'New Nina' }, null);
        expect(numberOf(nina)).toBe(number);
        // Nina's order has reached the screens (the phone gets the same broadcast); the phone still follows Olga's.
        await display.goto(storeUrl(second.url, '/'));
        await display.getByText('New Nina').waitFor();
        const shown = await phone
          .getByText('New Nina')
          .waitFor({ timeout: 2_000 })
          .then(
            () => true,
            () => false,
          );
        expect(shown).toBe(false);
        expect(await phone.locator('main.track').getAttribute('data-status')).toBe('gone');
      } finally {
        await second.close();
      }
    } finally {
      await Promise.all([phone.close(), display.close()]);
    }
  }, 60_000);

  it('says ordering is paused while the hub is away, and takes orders again when it is back', async () => {
    const dataDir = tempDir();
    const first = await startTestHub({ DATA_DIR: dataDir });
    const kiosk = await context.newPage();
    try {
      await kiosk.goto(storeUrl(first.url, '/kiosk'));
      await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
      await first.close();
      await kiosk.getByRole('status').filter({ hasText: 'Ordering paused' }).waitFor();
      expect(await kiosk.locator('button.product').first().isDisabled()).toBe(true);
      const second = await startTestHub({ DATA_DIR: dataDir, PORT: String(first.port) });
      try {
        await kiosk.locator('main.kiosk[data-connected="true"]').waitFor({ timeout: 15_000 });
        expect(await kiosk.getByText('Ordering paused').count()).toBe(0);
        await kiosk.locator('button.product[data-sku="cardamom-bun"]').click();
        await kiosk.getByRole('button', { name: 'Vegan' }).click();
        await kiosk.getByRole('button', { name: /^Order 1 × Cardamom bun \(Vegan\)$/ }).click();
        const number = (await kiosk.getByTestId('order-number').textContent())!.trim();
        // The hub's board follows its store's change feed: a moment after the place step answered, not in the same tick.
        // On a loaded machine this order once went to the stopped hub, over a connection Chromium had kept open to it
        // (now cut at shutdown: restart-connections.test.ts); the new hub's board never had it.
        await eventually(async () => expect((await board(second)).orders.some((o) => o.number === number)).toBe(true));
      } finally {
        await second.close();
      }
    } finally {
      await kiosk.close();
    }
  }, 60_000);
});
