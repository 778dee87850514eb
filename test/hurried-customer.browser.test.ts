import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import type { Order } from '../shared/schemas/order.js';
import { launchChromium, pauseClock, storeUrl } from './helpers/browser.js';
import { post, startTestHub, tempDir } from './helpers/hub.js';

const SHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');
const KIOSK = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const CONFIRMATION_S = 20;
const MIN = 60_000;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Every axe-core violation on the page as it is now, of any impact, as short readable lines. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated by the test's own channel: the hub's CSP (script-src 'self') rightly refuses an injected <script>.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  return violations.map((v) => `${v.impact ?? '?'} ${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}

async function chooseBun(kiosk: Page): Promise<void> {
  await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
  await kiosk.locator('button.product[data-sku="cardamom-bun"]').click();
  await kiosk.getByRole('button', { name: 'Classic' }).click();
}

/** Resolves after the page has painted what it has now (two animation frames). */
async function painted(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

describe('a kiosk that a hurried customer cannot trip, and a tracker that stays honest', () => {
  const hubConfig = path.join(tempDir(), 'store.json');
  writeFileSync(hubConfig, JSON.stringify({ storeName: 'Bun & Thread', kiosk: { confirmationSeconds: CONFIRMATION_S } }));
  let hub: Hub;
  let browser: Browser;
  /**
   * Each page in a context of its own: a page's clock is its context's, and a test that moves it
   * must not move the next test's.  A kiosk is a touch screen: taps are touch taps.
   */
  const newPage = async (viewport = KIOSK): Promise<Page> => {
    const page = await browser.newPage({ viewport, hasTouch: true });
    page.setDefaultTimeout(8_000);
    pages.push(page);
    return page;
  };
  // What a test opened is closed after it, passed or failed.
  const pages: Page[] = [];
  const shops: Hub[] = [];
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close()));
    await Promise.all(shops.splice(0).map((h) => h.close()));
  });

  beforeAll(async () => {
    hub = await startTestHub({ CONFIG: hubConfig });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('keeps the order number on screen when Order is double-tapped (two taps 120 ms apart)', async () => {
    const kiosk = await newPage();
    await kiosk.goto(storeUrl(hub.url, '/kiosk'));
    // The customer before: where the Done button sits under the Order button, on this screen.
    await chooseBun(kiosk);
    const order = kiosk.getByRole('button', { name: /^Order 1 × Cardamom bun/ });
    const orderBox = (await order.boundingBox())!;
    await order.click();
    const doneBox = (await kiosk.getByRole('button', { name: 'Done' }).boundingBox())!;
    const left = Math.max(orderBox.x, doneBox.x);
    const right = Math.min(orderBox.x + orderBox.width, doneBox.x + doneBox.width);
    const top = Math.max(orderBox.y, doneBox.y);
    const bottom = Math.min(orderBox.y + orderBox.height, doneBox.y + doneBox.height);
    expect(right - left > 4 && bottom - top > 4, 'Done lies under Order: a double tap on Order can land its second tap on Done').toBe(true);
    const [x, y] = [(left + right) / 2, (top + bottom) / 2];
    await kiosk.getByRole('button', { name: 'Done' }).click();
    await kiosk.getByRole('heading', { name: 'What would you like?' }).waitFor();

    await chooseBun(kiosk);
    const first = Date.now();
    await kiosk.touchscreen.tap(x, y);
    // The second tap lands once the number is up (as it does whenever the hub answers within the
    // double tap), and no sooner than 120 ms after the first.
    const number = kiosk.getByTestId('order-number');
    await number.waitFor();
    const wait = 120 - (Date.now() - first);
    if (wait > 0) await kiosk.waitForTimeout(wait);
    expect(await kiosk.evaluate(([px, py]) => document.elementFromPoint(px!, py!)?.closest('button')?.textContent?.trim(), [x, y])).toBe('Done');
    await kiosk.touchscreen.tap(x, y);
    await painted(kiosk);
    expect(await number.isVisible()).toBe(true);
    await kiosk.locator('.qr svg').waitFor();
    await kiosk.screenshot({ path: path.join(SHOTS, 'kiosk-confirmation-1280.png') });
  });

  it('returns from the order number to the menu after kiosk.confirmationSeconds, touched or not', async () => {
    const kiosk = await newPage();
    await kiosk.clock.install();
    await kiosk.goto(storeUrl(hub.url, '/kiosk'));
    await chooseBun(kiosk);
    // The installed clock also runs in real time: paused here, a loaded machine's slow steps do not count.
    await pauseClock(kiosk);
    await kiosk.getByRole('button', { name: /^Order 1 × Cardamom bun/ }).click();
    const number = kiosk.getByTestId('order-number');
    await number.waitFor();
    // A touch halfway does not keep the number up for the next customer.
    await kiosk.clock.runFor((CONFIRMATION_S / 2) * 1000);
    await kiosk.touchscreen.tap(5, 400);
    await kiosk.clock.runFor((CONFIRMATION_S / 2) * 1000 - 1_000);
    expect(await number.isVisible()).toBe(true);
    await kiosk.clock.runFor(1_500);
    await kiosk.getByRole('heading', { name: 'What would you like?' }).waitFor();
    expect(await number.count()).toBe(0);
    expect(await kiosk.locator('.qr').count()).toBe(0);
  });

  it('names product, variant and quantity on the Order button, and says why it cannot be pressed', async () => {
    const kiosk = await newPage();
    await kiosk.goto(storeUrl(hub.url, '/kiosk'));
    await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
    await kiosk.locator('button.product[data-sku="cardamom-bun"]').click();
    const order = kiosk.getByRole('button', { name: /^Order \d+ × Cardamom bun/ });
    expect(await order.isDisabled()).toBe(true);
    // "A, B, or C" as Intl.ListFormat words a choice in English (the store's locale decides).
    expect(await order.textContent()).toMatch(/Choose Classic, Vegan, or Pearl sugar first/);
    expect(await order.getAttribute('aria-describedby')).toBe('order-why');
    await kiosk.screenshot({ path: path.join(SHOTS, 'kiosk-choose-disabled-1280.png') });
    await kiosk.getByRole('button', { name: 'Vegan' }).click();
    await kiosk.getByRole('button', { name: 'One more' }).click();
    expect(await order.isEnabled()).toBe(true);
    expect((await order.textContent())!.trim()).toBe('Order 2 × Cardamom bun (Vegan)');
    await kiosk.screenshot({ path: path.join(SHOTS, 'kiosk-choose-1280.png') });
  });

  /**
   * A hub of its own (the figures are the whole hub's): two orders turned ready 10 and 4 min ago (one
   * every 6 min); `ahead` waits since 2 min ago, `tracked` was just placed and is promised in 10 min.
   */
  async function trackerDay(): Promise<{ shop: Hub; ahead: Order; tracked: Order; now: number }> {
    const shop = await startTestHub({ CONFIG: hubConfig });
    shops.push(shop);
    const now = Date.now();
    const put = async (o: Order) => expect((await post(`${shop.url}/api/orders`, o)).status).toBe(200);
    const items = [{ sku: 'cardamom-bun', qty: 1 }];
    for (const [i, readyAgo] of [10, 4].entries()) {
      const id = `done-${i}`;
      await put({ id, number: `D${i}`, items, status: 'queued', updatedAt: now - (readyAgo + 8) * MIN });
      await put({ id, number: `D${i}`, items, status: 'ready', updatedAt: now - readyAgo * MIN });
    }
    const ahead: Order = { id: 'ahead', number: 'A1', items, status: 'queued', updatedAt: now - 2 * MIN };
    const tracked: Order = { id: 'tracked', number: 'T1', items, status: 'queued', updatedAt: now, promisedAt: now + 10 * MIN };
    await put(ahead);
    await put(tracked);
    return { shop, ahead, tracked, now };
  }

  it("counts the tracker's estimate down as time passes and says the order is running late past its promise", async () => {
    const { shop, tracked } = await trackerDay();
    const phone = await newPage(PHONE);
    await phone.clock.install();
    await phone.goto(storeUrl(shop.url, `/track/${tracked.number}`));
    const eta = phone.getByTestId('eta');
    // Second in the queue at one every 6 min, 4 min after the last: 9 min.
    await eta.filter({ hasText: 'About 9 min' }).waitFor();
    await phone.screenshot({ path: path.join(SHOTS, 'track-waiting-390.png') });
    await phone.clock.runFor(4 * MIN);
    await eta.filter({ hasText: 'About 5 min' }).waitFor();
    await phone.clock.runFor(10.5 * MIN - 4 * MIN);
    await eta.filter({ hasText: 'Running late' }).waitFor();
    expect(await eta.textContent()).not.toMatch(/\d+ min/);
    expect(await axeViolations(phone), 'tracker, running late').toEqual([]);
    await phone.screenshot({ path: path.join(SHOTS, 'track-late-390.png') });
  });

  it('recomputes the estimate when the queue moves', async () => {
    const { shop, ahead, tracked, now } = await trackerDay();
    const phone = await newPage(PHONE);
    await phone.goto(storeUrl(shop.url, `/track/${tracked.number}`));
    await phone
      .getByTestId('eta')
      .filter({ hasText: 'About 9 min' })
      .waitFor()
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}; shown: ${await phone.locator('main.track').textContent()}`);
      });
    // The order ahead turns ready (as of the day's now: one every 5 min exactly); the tracked order is first in the queue.
    expect((await post(`${shop.url}/api/orders`, { ...ahead, status: 'ready', updatedAt: now })).status).toBe(200);
    await phone.getByTestId('eta').filter({ hasText: 'About 5 min' }).waitFor();
  });

  it('shows the last step done, changes the tab title and vibrates when the order is ready', async () => {
    const { shop, tracked } = await trackerDay();
    const phone = await newPage(PHONE);
    await phone.addInitScript(() => {
      const buzzes: unknown[] = [];
      (window as unknown as { buzzes: unknown[] }).buzzes = buzzes;
      navigator.vibrate = (pattern: Iterable<number> | number) => (buzzes.push(pattern), true);
    });
    await phone.goto(storeUrl(shop.url, `/track/${tracked.number}`));
    await phone.locator('main.track[data-status="queued"]').waitFor();
    expect(await phone.title()).toBe(`Order ${tracked.number} · Received`);
    expect((await post(`${shop.url}/api/orders`, { ...tracked, status: 'ready', updatedAt: Date.now() })).status).toBe(200);
    await phone.locator('main.track[data-status="ready"]').waitFor();
    expect(await phone.locator('ol.steps li.done').count()).toBe(3);
    await phone.waitForFunction((n) => document.title.startsWith('Ready') && document.title.includes(n), tracked.number, { timeout: 5_000 });
    expect(await phone.evaluate(() => (window as unknown as { buzzes: unknown[] }).buzzes.length)).toBe(1);
    await phone.screenshot({ path: path.join(SHOTS, 'track-ready-390.png') });
  });

  it('has no axe-core violations of any impact on /kiosk and /track/NUMBER', async () => {
    const kiosk = await newPage();
    await kiosk.goto(storeUrl(hub.url, '/kiosk'));
    await kiosk.locator('button.product').first().waitFor();
    expect(await axeViolations(kiosk), 'menu').toEqual([]);
    await kiosk.locator('button.product[data-sku="cardamom-bun"]').click();
    expect(await axeViolations(kiosk), 'choosing').toEqual([]);
    await kiosk.getByRole('button', { name: 'Classic' }).click();
    await kiosk.getByRole('button', { name: /^Order 1 × Cardamom bun/ }).click();
    await kiosk.locator('.qr svg').waitFor();
    expect(await axeViolations(kiosk), 'order number').toEqual([]);

    const { shop, tracked } = await trackerDay();
    const phone = await newPage(PHONE);
    await phone.goto(storeUrl(shop.url, `/track/${tracked.number}`));
    await phone.getByTestId('eta').waitFor();
    expect(await axeViolations(phone), 'tracker').toEqual([]);
    expect((await post(`${shop.url}/api/orders`, { ...tracked, status: 'ready', updatedAt: Date.now() })).status).toBe(200);
    await phone.locator('main.track[data-status="ready"]').waitFor();
    expect(await axeViolations(phone), 'tracker, ready').toEqual([]);
  });
});
