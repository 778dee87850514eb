import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import type { LoggedEvent } from '../shared/schemas/event-log.js';
import type { Order } from '../shared/schemas/order.js';
import type { Run } from '../shared/schemas/run.js';
import { axeViolations, describeViolations } from './helpers/axe.js';
import { doubleTap, launchChromium, storeUrl, openConsole as openConsoleAt } from './helpers/browser.js';
import { machine, order } from './helpers/fixtures.js';
import { TEST_TOKEN, post, startTestHub } from './helpers/hub.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';

// The staff console's Production lane (issue 17) in Chromium against a real hub with the sample menu: totes are
// printed to order on a printer (6 min a run), buns baked on an oven (20 min). Orders go in by REST, runs by
// POST /api/runs; Loaded and Unloaded are tapped on the console, and the board and the tracker follow.

const SHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');
const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };
const TV = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };
/** A hurried double tap: the second finger lands this long after the first, on the same spot. */
const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

type Box = { x: number; y: number; width: number; height: number };
const inside = (p: { x: number; y: number }, b: Box) => p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;

/** Every element in the lane that shows text of its own below 16 px (as test/staff-console.browser.test.ts asks of the console). */
function smallText(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.lane *')]
      .filter((el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== ''))
      .filter((el) => el.getClientRects().length > 0 && parseFloat(getComputedStyle(el).fontSize) < 16)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 30)} (${getComputedStyle(el).fontSize})`),
  );
}

/** Every button in the lane shown smaller than 56 × 56 px: bigger than the console's 48, for floury hands. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.lane button')]
      .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 55.5 || r.height < 55.5)
      .map(({ el, r }) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
}

describe('the staff console’s Production lane, in Chromium', () => {
  let hub: Hub;
  let browser: Browser;
  let screens: Screen[];

  beforeAll(async () => {
    hub = await startTestHub();
    browser = await launchChromium();
    // A screen of the board, as a TV runs it: it counts every run event the hub sends.
    screens = await connectScreens(hub.url, 1);
    mkdirSync(SHOTS, { recursive: true });
    // One printer and one oven have reported; the oven is baking a run that started before the console opened.
    const now = Date.now();
    expect(
      (await post(`${hub.url}/api/machines`, machine({ id: 'printer-1', name: 'Printer 1', kind: 'printer', state: 'idle', updatedAt: now }))).status,
    ).toBeLessThan(300);
    expect(
      (await post(`${hub.url}/api/machines`, machine({ id: 'oven-1', name: 'Oven 1', kind: 'oven', state: 'running', updatedAt: now }))).status,
    ).toBeLessThan(300);
    expect((await post(`${hub.url}/api/runs`, { id: 'buns-now', sku: 'cardamom-bun', variant: 'classic', qty: 12, machine: 'oven-1' })).status).toBe(201);
    expect((await post(`${hub.url}/api/runs/buns-now/start`, { machine: 'oven-1' })).status).toBe(200);
    expect((await post(`${hub.url}/api/runs`, { id: 'buns-next', sku: 'cardamom-bun', variant: 'vegan', qty: 12, machine: 'oven-1' })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    closeScreens(screens ?? []);
    await browser?.close();
    await hub?.close();
  });

  const openConsole = (): Promise<Page> => openConsoleAt(browser, hub.url, LANDSCAPE);

  async function open(route: string, viewport: { width: number; height: number }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(8_000);
    await page.goto(storeUrl(hub.url, route));
    return page;
  }

  async function runs(): Promise<Run[]> {
    const body = (await (await fetch(`${hub.url}/api/runs`, { headers: AUTH })).json()) as { data: { runs: Run[] } };
    return body.data.runs;
  }
  const runEvents = (id: string, status: string) => screens[0]!.events.filter((e) => e.name === 'run' && e.id === id && e.status === status).length;

  async function placeTotes(numbers: string[]): Promise<Order[]> {
    const totes = numbers.map((number, i) => order({ number, items: [{ sku: 'tote-print', variant: 'sand', qty: i === 1 ? 2 : 1 }], updatedAt: Date.now() }));
    for (const o of totes) expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);
    return totes;
  }

  const lane = (page: Page) => page.getByRole('region', { name: 'Production' });
  const card = (page: Page, id: string) => lane(page).locator(`article.run[data-run="${id}"]`);
  /** The run has shown its answer and takes taps again (the lane may re-sort from here). */
  const released = (page: Page, id: string) => lane(page).locator(`article.run[data-run="${id}"]:not([inert])`).waitFor();

  it(
    'Loaded, then Unloaded with one confirm: the lane follows, and the board and the tracker show the run’s orders ready; a double tap starts the run once',
    { timeout: 90_000 },
    async () => {
      const totes = await placeTotes(['L1', 'L2', 'L3']);
      // A run planned without a machine: the lane shows it under the kind of machine totes are made on.
      const made = await post(`${hub.url}/api/runs`, {
        id: 'totes-lane',
        sku: 'tote-print',
        variant: 'sand',
        qty: 4,
        allocations: totes.map((o) => ({ orderId: o.id, qty: o.items[0]!.qty })),
      });
      expect(made.status).toBe(201);

      const staff = await openConsole();
      // What the console itself asked of the hub: the hub takes a step once however often it is asked, so
      // the console's own guard is seen here, in the requests it sends.
      const asked: string[] = [];
      staff.on('request', (r) => {
        const step = /\/api\/runs\/totes-lane\/(start|finish)$/.exec(new URL(r.url()).pathname)?.[1];
        if (step && r.method() === 'POST') asked.push(step);
      });
      const board = await open('/', TV);
      const phone = await open('/track/L2', PHONE);
      await board.locator('.stage[data-connected="true"]').waitFor();
      for (const o of totes) await board.locator(`section.column.preparing [data-order="${o.id}"]`).waitFor();
      await phone.locator('main.track[data-status="queued"]').waitFor();

      // Per machine, next to load first: the printer kind holds the tote run; the oven the run in it, then the next.
      const planned = card(staff, 'totes-lane');
      await planned.waitFor();
      expect(await planned.locator('xpath=ancestor::div[@data-group]').getAttribute('data-group')).toBe('kind:printer');
      expect(await lane(staff).locator('[data-group="kind:printer"] h3').textContent()).toBe('Printer');
      await planned.getByText('4× Printed tote (Sand)').waitFor();
      await planned.getByText('Orders L1, L2, L3').waitFor();
      await planned.getByText('Next in').waitFor();
      const oven = lane(staff).locator('[data-group="machine:oven-1"]');
      expect(await oven.locator('h3').textContent()).toBe('Oven 1');
      expect(await oven.locator('article.run').evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).toEqual(['buns-now', 'buns-next']);
      // The run in the oven counts down from its endsAt: 20 minutes, just started.
      expect(await card(staff, 'buns-now').locator('.left').textContent()).toMatch(/^(19|20) min left$/);
      await card(staff, 'buns-now').getByText('For the counter').waitFor();

      // Loaded, tapped twice in a hurry: one start, into the first printer on the board.
      await doubleTap(staff, planned.getByRole('button', { name: 'Loaded' }));
      await eventually(() => expect(runEvents('totes-lane', 'running')).toBe(1));
      await planned.getByText('✓ Running').waitFor();
      await released(staff, 'totes-lane');
      expect((await runs()).find((r) => r.id === 'totes-lane')).toMatchObject({ status: 'running', machine: 'printer-1' });
      expect(runEvents('totes-lane', 'running')).toBe(1);
      expect(asked).toEqual(['start']);

      // The lane follows: the run now sits under its printer, counting down its 6 minutes.
      const running = lane(staff).locator('[data-group="machine:printer-1"] article.run[data-run="totes-lane"][data-status="running"]');
      await running.waitFor();
      expect(await lane(staff).locator('[data-group="machine:printer-1"] h3').textContent()).toBe('Printer 1');
      expect(await running.locator('.left').textContent()).toMatch(/^[56] min left$/);

      // Unloaded, tapped twice: the form opens, the second tap lands on Back (inert a moment), nothing is finished.
      const tapped = await doubleTap(staff, running.getByRole('button', { name: 'Unloaded' }));
      const form = running.getByRole('group', { name: 'How many came out?' });
      await form.waitFor();
      const confirm = running.getByRole('button', { name: /^Confirm:/ });
      expect(inside(tapped, (await confirm.boundingBox())!)).toBe(false);
      await released(staff, 'totes-lane');
      expect(await form.isVisible()).toBe(true);
      expect((await runs()).find((r) => r.id === 'totes-lane')?.status).toBe('running');
      expect(asked).toEqual(['start']);
      // Produced defaults to the run's size, wasted to none; one misprint is one tap, moved over from the good ones.
      expect(await form.locator('[data-count="produced"] output').textContent()).toBe('4');
      expect(await form.locator('[data-count="wasted"] output').textContent()).toBe('0');
      await staff.screenshot({ path: path.join(SHOTS, 'staff-console-production-lane-unload.png') });
      await form.getByRole('button', { name: 'One more: Thrown away' }).click();
      expect(await confirm.textContent()).toBe('Confirm: 3 good, 1 thrown away');
      await confirm.click();
      await running.getByText('✓ Done').waitFor();

      // The run leaves the lane once its answer has been shown; its orders are ready on the board and the phone.
      await card(staff, 'totes-lane').waitFor({ state: 'detached' });
      for (const o of totes) await board.locator(`section.column.ready [data-order="${o.id}"]`).waitFor();
      await phone.locator('main.track[data-status="ready"]').waitFor();
      for (const o of totes) expect((await hub.board.order(o.id))?.status).toBe('ready');
      // The console's own queue shows them ready too: the lane and the orders are one board.
      for (const o of totes) await staff.locator(`article.order[data-order="${o.id}"][data-status="ready"]`).waitFor();
      expect(runEvents('totes-lane', 'running')).toBe(1);
      expect(runEvents('totes-lane', 'done')).toBe(1);
      expect(asked).toEqual(['start', 'finish']);
      const exported = await (await fetch(`${hub.url}/api/export?format=ndjson`, { headers: AUTH })).text();
      const steps = exported
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LoggedEvent)
        .flatMap((e) => (e.type === 'run' && e.run.id === 'totes-lane' ? [{ status: e.run.status, produced: e.run.produced, wasted: e.run.wasted }] : []));
      expect(steps).toEqual([
        { status: 'planned', produced: undefined, wasted: undefined },
        { status: 'running', produced: undefined, wasted: undefined },
        { status: 'done', produced: 3, wasted: 1 },
      ]);
      await staff.screenshot({ path: path.join(SHOTS, 'staff-console-production-lane.png') });
      await Promise.all([staff.close(), board.close(), phone.close()]);
    },
  );

  it('says in the store’s words when a run has moved on before the tap arrived (409 run_moved), and takes no step', async () => {
    const totes = await placeTotes(['M1']);
    expect(
      (await post(`${hub.url}/api/runs`, { id: 'totes-moved', sku: 'tote-print', variant: 'sand', qty: 1, allocations: [{ orderId: totes[0]!.id, qty: 1 }] }))
        .status,
    ).toBe(201);
    const staff = await openConsole();
    const planned = card(staff, 'totes-moved');
    await planned.waitFor();
    // Another tablet gets there first, while this tap is on its way to the hub.
    await staff.route('**/api/runs/totes-moved/start', async (route) => {
      expect((await post(`${hub.url}/api/runs/totes-moved/start`, { machine: 'printer-1' })).status).toBe(200);
      await route.continue();
    });
    await planned.getByRole('button', { name: 'Loaded' }).click();
    await planned.getByText('Already running').waitFor();
    await staff.getByRole('region', { name: 'Undo' }).getByText('1× Printed tote (Sand): That run has already moved on.').waitFor();
    expect(runEvents('totes-moved', 'running')).toBe(1);
    // Once the answer has been shown, the run shows as it is, with its next step.
    await card(staff, 'totes-moved').getByRole('button', { name: 'Unloaded' }).waitFor();
    await staff.close();
  });

  it('says a step got no answer, not that nothing changed, when the hub took it but its answer was lost', async () => {
    const totes = await placeTotes(['M2']);
    expect(
      (await post(`${hub.url}/api/runs`, { id: 'totes-lost', sku: 'tote-print', variant: 'sand', qty: 1, allocations: [{ orderId: totes[0]!.id, qty: 1 }] }))
        .status,
    ).toBe(201);
    const staff = await openConsole();
    const planned = card(staff, 'totes-lost');
    await planned.waitFor();
    // The hub takes the step; its answer never reaches the tablet (a restart, the network).
    await staff.route('**/api/runs/totes-lost/start', async (route) => {
      // Sent on from here to the hub's own address: the store's name is known to Chromium, not to this process.
      await route.fetch({ url: `${hub.url}${new URL(route.request().url()).pathname}` });
      await route.abort('connectionreset');
    });
    await planned.getByRole('button', { name: 'Loaded' }).click();
    await staff
      .getByRole('region', { name: 'Undo' })
      .getByText('1× Printed tote (Sand): the hub did not answer, so it may have been done.', { exact: false })
      .waitFor();
    expect(runEvents('totes-lost', 'running')).toBe(1);
    expect(await staff.getByText('Not changed').count()).toBe(0);
    await staff.close();
  });

  it('has no accessibility violations, no text under 16 px and no button under 56 px in the lane, with the Unloaded form open', async () => {
    expect((await post(`${hub.url}/api/runs`, { id: 'totes-axe', sku: 'tote-print', variant: 'ink', qty: 2 })).status).toBe(201);
    const staff = await openConsole();
    await card(staff, 'totes-axe').waitFor();
    for (const state of ['closed', 'open']) {
      if (state === 'open') {
        await card(staff, 'buns-now').getByRole('button', { name: 'Unloaded' }).click();
        await card(staff, 'buns-now').getByRole('group', { name: 'How many came out?' }).waitFor();
        await released(staff, 'buns-now');
      }
      // The tablet held either way: the lane sits beside the queue in landscape and below it in portrait.
      for (const viewport of [LANDSCAPE, PORTRAIT]) {
        await staff.setViewportSize(viewport);
        const where = `form ${state} at ${viewport.width}×${viewport.height}`;
        const found = await axeViolations(staff);
        expect(found, `${where}\n${describeViolations(found)}`).toEqual([]);
        expect(await smallText(staff), where).toEqual([]);
        expect(await smallTargets(staff), where).toEqual([]);
      }
      await staff.setViewportSize(LANDSCAPE);
    }
    await card(staff, 'buns-now').getByRole('button', { name: 'Back' }).click();
    await staff.close();
  });
});
