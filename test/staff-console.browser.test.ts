import { mkdirSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import type { Order, OrderStatus } from '../shared/schemas/order.js';
import { axeViolations, describeViolations } from './helpers/axe.js';
import { doubleTap, launchChromium, storeUrl, openConsole as openConsoleAt } from './helpers/browser.js';
import { FakeObs } from './helpers/fake-obs.js';
import { machine, order } from './helpers/fixtures.js';
import { TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';
import { storeDay } from '../shared/store-time.js';

const SHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');
const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };
/** A hurried double tap: the second finger lands this long after the first, on the same spot. */

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (p: { x: number; y: number }, b: Box) => p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;

/** Every element on the page that shows text of its own below 16 px. */
function smallText(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== ''))
      .filter((el) => el.getClientRects().length > 0 && parseFloat(getComputedStyle(el).fontSize) < 16)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 30)} (${getComputedStyle(el).fontSize})`),
  );
}

/** Every button, link and field shown smaller than 48 × 48 px. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('main button, main a[href], main input')]
      .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 47.5 || r.height < 47.5)
      .map(({ el, r }) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
}

describe('the staff console under hurried hands, in Chromium', () => {
  let hub: Hub;
  let obs: FakeObs;
  let browser: Browser;

  beforeAll(async () => {
    // OBS (a stand-in) is there so the camera panel is on the console, as in a store that streams.
    obs = await FakeObs.start();
    hub = await startTestHub({ OBS_URL: obs.url });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await obs?.close();
  });

  /** A tablet of its own (its own cookies), logged in afresh. */
  const openConsole = (url = hub.url): Promise<Page> => openConsoleAt(browser, url, LANDSCAPE);

  async function statuses(ids: string[]): Promise<Record<string, OrderStatus | undefined>> {
    const held = await Promise.all(ids.map((id) => hub.board.order(id)));
    return Object.fromEntries(ids.map((id, i) => [id, held[i]?.status]));
  }

  const row = (page: Page, o: Order) => page.locator(`article.order[data-order="${o.id}"]`);
  /** The row has shown its answer and taken taps again (the list may re-sort from here). */
  const released = (page: Page, o: Order) => page.locator(`article.order[data-order="${o.id}"]:not([inert])`).waitFor();

  // Every console is a touch tablet: taps are touch events, as on the floor.
  it('a double tap on Start, on Ready and on ✕ changes exactly one thing, on the right order, and cancels nothing', { timeout: 60_000 }, async () => {
    const now = Date.now();
    // Due times spread so the waiting list has an order a re-sort would change.
    const first = order({ number: 'A1', status: 'queued', promisedAt: now + 5 * 60_000, updatedAt: now - 5_000 });
    const second = order({ number: 'A2', status: 'queued', promisedAt: now + 10 * 60_000, updatedAt: now - 5_000 });
    const making = order({ number: 'A3', status: 'in_production', promisedAt: now + 15 * 60_000, updatedAt: now - 5_000 });
    const other = order({ number: 'A4', status: 'in_production', promisedAt: now + 20 * 60_000, updatedAt: now - 5_000 });
    const waiting = order({ number: 'A5', status: 'ready', updatedAt: now - 5_000 });
    // More than fit: the queue runs to the bottom of the screen, where the undo toasts appear.
    const later = Array.from({ length: 6 }, (_, i) =>
      order({ number: `B${i}`, status: 'queued', promisedAt: now + (30 + i) * 60_000, updatedAt: now - 5_000 }),
    );
    const all = [first, second, making, other, waiting, ...later];
    for (const o of all) expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);
    const ids = all.map((o) => o.id);
    const page = await openConsole();
    for (const o of all) await row(page, o).waitFor();
    const expected = await statuses(ids);

    // Start on the first waiting order: it starts, and nothing else does.
    await doubleTap(page, row(page, first).getByRole('button', { name: 'Start' }));
    expected[first.id] = 'in_production';
    await expect.poll(() => statuses(ids), { timeout: 5_000 }).toEqual(expected);
    await released(page, first);
    expect(await statuses(ids)).toEqual(expected);

    // Ready on an order being made: it is ready, not picked up, and no other order moved.
    await doubleTap(page, row(page, making).getByRole('button', { name: 'Ready' }));
    expected[making.id] = 'ready';
    await expect.poll(() => statuses(ids), { timeout: 5_000 }).toEqual(expected);
    await released(page, making);
    expect(await statuses(ids)).toEqual(expected);

    // ✕: the confirmation opens on that order, away from where the finger was, and nothing is cancelled.
    const cross = row(page, second).getByRole('button', { name: `Cancel ${second.number}` });
    const tapped = await doubleTap(page, cross);
    const yes = row(page, second).getByRole('button', { name: `Yes, cancel ${second.number}` });
    await yes.waitFor();
    expect(inside(tapped, (await yes.boundingBox())!)).toBe(false);
    expect(await page.getByRole('button', { name: /^Yes, cancel/ }).count()).toBe(1);
    await released(page, second);
    expect(await statuses(ids)).toEqual(expected);
    await row(page, second).getByRole('button', { name: 'Keep' }).click();
    await yes.waitFor({ state: 'detached' });
    expect(await statuses(ids)).toEqual(expected);

    // Two actions, two undo toasts: both still undoable, and neither covers any button on the page.
    const undos = page.getByRole('region', { name: 'Undo' }).getByRole('button', { name: /^Undo/ });
    expect(await undos.count()).toBe(2);
    const toasts = await page.locator('.tray .toast').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as Box));
    // What of each button can be seen: its box, cut by every scrolling box around it and by the window.
    const buttons = await page.locator('button:visible, a:visible').evaluateAll((els) =>
      els
        .filter((e) => !e.closest('.tray'))
        .map((e) => {
          let { left, top, right, bottom } = e.getBoundingClientRect();
          for (let p = e.parentElement; p; p = p.parentElement) {
            if (getComputedStyle(p).overflowY === 'visible') continue;
            const c = p.getBoundingClientRect();
            [left, top, right, bottom] = [Math.max(left, c.left), Math.max(top, c.top), Math.min(right, c.right), Math.min(bottom, c.bottom)];
          }
          [right, bottom] = [Math.min(right, innerWidth), Math.min(bottom, innerHeight)];
          return { name: e.textContent?.trim() ?? '', box: { x: left, y: top, width: right - left, height: bottom - top } };
        })
        .filter((b) => b.box.width > 0 && b.box.height > 0),
    );
    expect(buttons.length).toBeGreaterThan(10);
    for (const toast of toasts) for (const b of buttons) expect(overlaps(toast, b.box), `a toast covers "${b.name}"`).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'staff-console-double-tap.png') });

    // The earlier action is undone though another followed it; a double tap on its Undo undoes it alone
    // (the tray does not shift another toast's Undo under the second tap).
    const tray = page.getByRole('region', { name: 'Undo' });
    await doubleTap(page, undos.first());
    expected[first.id] = 'queued';
    await expect.poll(() => statuses(ids), { timeout: 5_000 }).toEqual(expected);
    await tray.getByRole('button', { name: 'Undone' }).waitFor();
    expect(await tray.getByRole('button', { name: /^Undo \(/ }).count()).toBe(1);
    expect(await statuses(ids)).toEqual(expected);
    await page.close();
  });

  it("a double tap on Recall recalls one order, and one on a screen's Remove removes nothing", async () => {
    const api = (route: string, body: unknown) => post(`${hub.url}${route}`, body);
    const done = [
      order({ number: 'P1', status: 'ready', updatedAt: Date.now() - 2_000 }),
      order({ number: 'P2', status: 'ready', updatedAt: Date.now() - 2_000 }),
    ];
    for (const o of done) {
      await api('/api/orders', o);
      expect((await api(`/api/staff/orders/${o.id}/advance`, { from: 'ready' })).status).toBe(200);
    }
    expect((await api('/api/screens', { name: 'door-left' })).status).toBeLessThan(300);
    const page = await openConsole();
    const finished = page.getByRole('region', { name: 'Recently finished' });
    const p1 = finished.locator('p.row', { hasText: 'P1' });
    await p1.getByRole('button', { name: 'Recall' }).waitFor();
    await finished.locator('p.row', { hasText: 'P2' }).getByRole('button', { name: 'Recall' }).waitFor();
    const ids = done.map((o) => o.id);
    // The newest finished first: P2 above P1. Recalling P2 would slide P1's Recall under a second tap.
    const top = finished.getByRole('button', { name: 'Recall' }).first();
    const recalled = (await top.locator('xpath=..').textContent())!.includes('P2') ? done[1]! : done[0]!;
    await doubleTap(page, top);
    const expected = Object.fromEntries(ids.map((id) => [id, id === recalled.id ? 'ready' : 'picked_up']));
    await expect.poll(() => statuses(ids), { timeout: 5_000 }).toEqual(expected);
    await page.locator(`article.order[data-order="${recalled.id}"]`).waitFor();
    await finished.locator('p.row:not([inert])').first().waitFor();
    expect(await statuses(ids)).toEqual(expected);

    const screens = page.getByRole('region', { name: 'Screens' });
    const screenRow = screens.locator('p.row', { hasText: 'door-left' });
    const tapped = await doubleTap(page, screenRow.getByRole('button', { name: 'Remove' }));
    const sure = screenRow.getByRole('button', { name: 'Remove?' });
    await sure.waitFor();
    expect(inside(tapped, (await sure.boundingBox())!)).toBe(false);
    await screenRow.getByRole('button', { name: 'Keep' }).click();
    const listed = (await (await fetch(`${hub.url}/api/screens`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).json()) as {
      data: { name: string }[];
    };
    expect(listed.data.map((x) => x.name)).toContain('door-left');
    await page.close();
  });

  it('stays logged in when reloaded while the hub cannot say who it is (a restart), instead of asking for the PIN', async () => {
    const page = await openConsole();
    try {
      // The first two looks at the session find no hub; the session itself is still good.
      let looks = 0;
      await page.route('**/api/staff/session', (route) => (++looks <= 2 ? route.abort('connectionrefused') : route.continue()));
      await page.reload();
      await page.locator('.console[data-connected="true"]').waitFor();
      expect(looks).toBe(3);
      expect(await page.getByRole('button', { name: 'Log in' }).count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('says a tap got no answer, not that nothing changed, when the hub took it but its answer was lost', async () => {
    const o = order({ number: 'S2', status: 'queued', updatedAt: Date.now() - 1_000 });
    await post(`${hub.url}/api/orders`, o);
    const page = await openConsole();
    try {
      await row(page, o).waitFor();
      // The hub takes the step; its answer never reaches the tablet (a restart, the network).
      await page.route(`**/api/staff/orders/${o.id}/advance`, async (route) => {
        // Sent on from here to the hub's own address: the store's name is known to Chromium, not to this process.
        const url = new URL(route.request().url());
        await route.fetch({ url: `${hub.url}${url.pathname}` });
        await route.abort('connectionreset');
      });
      await row(page, o).getByRole('button', { name: 'Start' }).click();
      await row(page, o).getByText('No answer').waitFor();
      await page
        .getByRole('region', { name: 'Undo' })
        .getByText('S2: the hub did not answer, so it may have been done. Look at it again before you tap.')
        .waitFor();
      expect((await hub.board.order(o.id))?.status).toBe('in_production');
      expect(await row(page, o).getByText('Not changed').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('says an Undo got no answer, not that it was not undone, when the hub took it back but its answer was lost', async () => {
    const o = order({ number: 'S3', status: 'queued', updatedAt: Date.now() - 1_000 });
    await post(`${hub.url}/api/orders`, o);
    const page = await openConsole();
    try {
      await row(page, o).getByRole('button', { name: 'Start' }).click();
      const tray = page.getByRole('region', { name: 'Undo' });
      await tray.getByText('S3 → making').waitFor();
      // The hub takes the action back; its answer never reaches the tablet.
      await page.route('**/api/staff/undo', async (route) => {
        const url = new URL(route.request().url());
        await route.fetch({ url: `${hub.url}${url.pathname}` });
        await route.abort('connectionreset');
      });
      await tray.getByRole('button', { name: /^Undo/ }).click();
      await tray.getByRole('button', { name: 'No answer' }).waitFor();
      await tray.getByText('S3: the hub did not answer, so it may have been done. Look at it again before you tap.').waitFor();
      expect((await hub.board.order(o.id))?.status).toBe('queued');
      expect(await tray.getByText('Not undone').count()).toBe(0);
      // The row says what is true: back in the queue.
      await row(page, o).getByRole('button', { name: 'Start' }).waitFor();
    } finally {
      await page.close();
    }
  });

  it('shows what the order is now when a tap comes too late (409 stale), and takes no step', async () => {
    const o = order({ number: 'S1', status: 'queued', updatedAt: Date.now() - 1_000 });
    await post(`${hub.url}/api/orders`, o);
    const page = await openConsole();
    await row(page, o).waitFor();
    // Another console gets there first, while this tap is on its way to the hub.
    await page.route(`**/api/staff/orders/${o.id}/advance`, async (route) => {
      const other = await fetch(`${hub.url}/api/staff/orders/${o.id}/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
        body: JSON.stringify({ from: 'queued' }),
      });
      expect(other.status).toBe(200);
      await route.continue();
    });
    await row(page, o).getByRole('button', { name: 'Start' }).click();
    await row(page, o).getByText('Already making').waitFor();
    await page.getByRole('region', { name: 'Undo' }).getByText('S1 is making now: nothing changed').waitFor();
    expect((await hub.board.order(o.id))?.status).toBe('in_production');
    // Once the answer has been shown, the row shows the order as it is, with its next step.
    await row(page, o).getByRole('button', { name: 'Ready' }).waitFor();
    await page.close();
  });

  it('has no accessibility violations of any impact on the login and on the console (axe-core)', async () => {
    const page = await browser.newPage({ viewport: LANDSCAPE });
    await page.goto(storeUrl(hub.url, '/staff'));
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    const login = await axeViolations(page);
    expect(login, describeViolations(login)).toEqual([]);
    await page.close();

    const now = Date.now();
    await post(`${hub.url}/api/orders`, order({ number: 'X1', status: 'queued', promisedAt: now - 60_000, updatedAt: now - 120_000 }));
    await post(`${hub.url}/api/orders`, order({ number: 'X2', status: 'ready', updatedAt: now - 60_000 }));
    await post(`${hub.url}/api/machines`, machine({ id: 'oven-x', name: 'Oven X', state: 'fault', updatedAt: now }));
    const staff = await openConsole();
    await staff.locator('article.order[data-number="X2"]').waitFor();
    await staff.getByRole('region', { name: 'Today' }).locator('.alert').first().waitFor();
    await staff.getByRole('region', { name: 'Cameras' }).getByRole('group', { name: 'Mode' }).waitFor();
    for (const [viewport, name] of [
      [LANDSCAPE, 'staff-console-1280x800.png'],
      [PORTRAIT, 'staff-console-800x1280.png'],
    ] as const) {
      await staff.setViewportSize(viewport);
      const found = await axeViolations(staff);
      expect(found, `${viewport.width}×${viewport.height}\n${describeViolations(found)}`).toEqual([]);
      await staff.screenshot({ path: path.join(SHOTS, name) });
    }
    await staff.close();
  });

  it('reads like a kitchen display: late first, then the oldest waiting, ready apart with their wait; a new order chimes and is marked new; an alert links to its order', async () => {
    const now = Date.now();
    const soon = order({ number: 'K3', status: 'queued', promisedAt: now + 9 * 60_000, updatedAt: now - 1_000 });
    const making = order({ number: 'K2', status: 'in_production', promisedAt: now + 4 * 60_000, updatedAt: now - 1_000 });
    const late = order({ number: 'K1', status: 'queued', promisedAt: now - 3 * 60_000, updatedAt: now - 1_000 });
    const readyLong = order({ number: 'R1', status: 'ready', updatedAt: now - 5 * 60_000 - 5_000 });
    const readyNow = order({ number: 'R2', status: 'ready', updatedAt: now - 1_000 });
    for (const o of [soon, making, late, readyNow, readyLong]) await post(`${hub.url}/api/orders`, o);
    const page = await openConsole();
    const waiting = page.getByRole('region', { name: /^Waiting/ });
    const ready = page.getByRole('region', { name: /^Ready for pickup/ });
    await waiting.locator(`article[data-order="${soon.id}"]`).waitFor();
    await ready.locator(`article[data-order="${readyLong.id}"]`).waitFor();
    // Late first (once the hub has called it late), then by when each is due; ready ones in a list of their own.
    await expect
      .poll(async () =>
        (await waiting.locator('article.order').evaluateAll((els) => els.map((e) => e.getAttribute('data-number')))).filter((n) => /^K\d$/.test(n!)),
      )
      .toEqual(['K1', 'K2', 'K3']);
    expect(await ready.locator('article.order').evaluateAll((els) => els.map((e) => e.getAttribute('data-number')))).toEqual(
      expect.arrayContaining(['R1', 'R2']),
    );
    const readyOrder = await ready.locator('article.order').evaluateAll((els) => els.map((e) => e.getAttribute('data-number')));
    expect(readyOrder.indexOf('R1')).toBeLessThan(readyOrder.indexOf('R2'));
    expect(await ready.locator(`article[data-order="${readyLong.id}"]`).textContent()).toContain('waiting 5 min for pickup');
    expect(await waiting.locator('.order.new').count()).toBe(0);

    // A new order: one chime, marked new, below the orders already there.
    const chimes = Number(await page.locator('main.console').getAttribute('data-chimes'));
    const fresh = order({ number: 'N1', status: 'queued', updatedAt: Date.now() });
    await post(`${hub.url}/api/orders`, fresh);
    const freshRow = waiting.locator(`article.order.new[data-order="${fresh.id}"]`);
    await freshRow.getByText('New', { exact: true }).waitFor();
    await page.locator(`main.console[data-chimes="${chimes + 1}"]`).waitFor();

    // The late order's alert links to its row.
    const alert = page.getByRole('region', { name: 'Today' }).locator(`a[href="#order-${late.id}"]`);
    await alert.click();
    expect(await page.evaluate(() => location.hash)).toBe(`#order-${late.id}`);
    expect(await page.locator(`#order-${late.id}`).isVisible()).toBe(true);
    await page.close();
  });

  it('has no text under 16 px and no target under 48 px, on the login and the console, and its charts follow the tablet when it turns', async () => {
    await post(`${hub.url}/api/orders`, order({ number: 'T1', status: 'queued', promisedAt: Date.now() - 60_000 }));
    for (let i = 2; i < 14; i++)
      await post(`${hub.url}/api/orders`, order({ number: `T${i}`, status: i % 3 ? 'queued' : 'ready', updatedAt: Date.now() - 1_000 }));
    const page = await openConsole();
    await page.getByRole('region', { name: 'Today' }).locator('.alert').first().waitFor();
    await page.getByRole('region', { name: 'Cameras' }).getByRole('group', { name: 'Mode' }).waitFor();
    for (const viewport of [LANDSCAPE, PORTRAIT]) {
      await page.setViewportSize(viewport);
      // Every chart is as wide as the box it sits in, after the turn as before it.
      await page.waitForFunction(() => {
        const plots = [...document.querySelectorAll<HTMLElement>('.spark .plot')];
        return plots.length === 2 && plots.every((p) => Math.abs((p.querySelector('canvas')?.getBoundingClientRect().width ?? 0) - p.clientWidth) <= 1);
      });
      // Nothing runs into anything else: no two rows, and no waiting row into the panels beside or below the queue.
      const rows = await page
        .locator('article.order')
        .evaluateAll((els) =>
          els.map((e) => ({ name: e.getAttribute('data-number'), waiting: e.closest('.queue') !== null, box: e.getBoundingClientRect().toJSON() as Box })),
        );
      const aside = (await page.locator('.body > aside').boundingBox())!;
      expect(rows.filter((r) => r.waiting).length).toBeGreaterThan(1);
      const where = `${viewport.width}×${viewport.height}`;
      for (const [i, a] of rows.entries()) {
        if (a.waiting) expect(overlaps(a.box, aside), `${a.name} runs into the panels at ${where}`).toBe(false);
        for (const b of rows.slice(i + 1)) expect(overlaps(a.box, b.box), `${a.name} runs into ${b.name} at ${where}`).toBe(false);
      }
      expect(await smallText(page), `${viewport.width}×${viewport.height}`).toEqual([]);
      expect(await smallTargets(page), `${viewport.width}×${viewport.height}`).toEqual([]);
    }
    await page.close();
    // The login too.
    const login = await browser.newPage({ viewport: LANDSCAPE });
    await login.goto(storeUrl(hub.url, '/staff'));
    await login.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await smallText(login)).toEqual([]);
    expect(await smallTargets(login)).toEqual([]);
    await login.close();
  });

  it('shows a machine fault loudly to staff (the public board shows it calmly: test/display-crowd.browser.test.ts)', async () => {
    await post(`${hub.url}/api/machines`, machine({ id: 'oven-loud', name: 'Loud oven', state: 'fault', updatedAt: Date.now() }));
    const page = await openConsole();
    const row = page.getByRole('region', { name: 'Machines' }).locator('p.row.fault', { hasText: 'Loud oven' });
    await row.waitFor();
    expect(await row.locator('.chip.bad').textContent()).toBe('⚠ Fault');
    // In the alarm colour, bold: staff must see it at a glance.
    const look = await row.evaluate((el) => ({ color: getComputedStyle(el).color, weight: getComputedStyle(el).fontWeight }));
    expect(look.weight).toBe('700');
    expect(look.color).not.toBe(await page.locator('main').evaluate((el) => getComputedStyle(el).color));
    await page.close();
  });

  it('says what auto, manual and hold mean, and a hold shows its countdown', async () => {
    const page = await openConsole();
    const cameras = page.getByRole('region', { name: 'Cameras' });
    await cameras.getByRole('button', { name: 'Oven Cam' }).waitFor();
    for (const word of ['production events switch the cameras', 'only people switch scenes', 'then auto resumes by itself'])
      await cameras.getByText(word).waitFor();
    // Picking a scene in auto holds it: the panel counts down to when the rules take over (holdMinutes, 5 by default).
    await cameras.getByRole('button', { name: 'Oven Cam' }).click();
    const countdown = cameras.getByTestId('hold-countdown');
    await countdown.waitFor();
    expect(await countdown.textContent()).toMatch(/take over again in [45]:\d\d$/);
    const first = await countdown.textContent();
    await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);
    await cameras.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'staff-console-cameras.png') });
    await page.close();
  });

  it("links today's events by the store's day in its zone, not the tablet's UTC date", async () => {
    // A zone whose date differs from UTC's right now: 14 h ahead from 10:00 UTC on, 11 h behind before.
    const zone = new Date().getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
    const dir = tempDir();
    writeFileSync(path.join(dir, 'store.json'), JSON.stringify({ timeZone: zone }));
    const zoned = await startTestHub({ CONFIG: path.join(dir, 'store.json') });
    try {
      const page = await openConsole(zoned.url);
      const csv = page.getByRole('link', { name: 'CSV' });
      // The store's day at the figures' time, which is at most one refresh old (a midnight in between may
      // leave it on the day before). The zone's date differs from UTC's but for a minute or two near 00:00
      // and 10:00 UTC: the UTC date fails this everywhere else.
      const href = await csv.getAttribute('href');
      const now = Date.now();
      const days = [storeDay(now - 60_000, zone), storeDay(now, zone)].map((day) => `/api/export?from=${day}&format=csv`);
      expect(days).toContain(href);
      await page.close();
    } finally {
      await zoned.close();
    }
  });
  it("downloads today's events as Parquet from the console, a file DuckDB reads", async () => {
    const placed = order({ number: 'PQ1', status: 'queued', updatedAt: Date.now() });
    expect((await post(`${hub.url}/api/orders`, placed)).status).toBe(200);
    const page = await openConsole();
    const link = page.getByRole('link', { name: 'Parquet' });
    expect(await link.getAttribute('title')).toBe('For the warehouse: opens in DuckDB, ClickHouse or BigQuery');
    // The staff session is the download's only credential: no token in the page.
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^batchboard-events-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.parquet$/);
    const file = path.join(tempDir('bb-parquet-'), download.suggestedFilename());
    await download.saveAs(file);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const rows = (await connection.runAndReadAll(`SELECT number, qty FROM '${file}' WHERE type = 'order' AND id = '${placed.id}'`)).getRowObjectsJson();
    connection.closeSync();
    expect(rows).toEqual([{ number: 'PQ1', qty: placed.items.reduce((n, i) => n + i.qty, 0) }]);
    await page.close();
  });
});
