import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import type { Catalogue } from '../shared/schemas/catalogue.js';
import type { LoggedEvent } from '../shared/schemas/event-log.js';
import type { Run } from '../shared/schemas/run.js';
import { axeViolations, describeViolations } from './helpers/axe.js';
import { launchChromium, openConsole as openConsoleAt } from './helpers/browser.js';
import { machine, order } from './helpers/fixtures.js';
import { TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';
import { eventually } from './helpers/screens.js';

// The console's "Runs today" (issue 17, the investor's list) in Chromium against a real hub: two runs go through
// the REST doors and a machine event, and the panel shows the day's figures as worked out here by hand.

const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };
const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
const MIN = 60_000;
const HOUR = 3_600_000;
/** The console hears new figures on a board change, and at least every 5 s: a bound, not a pace. */
const FIGURES_TIMEOUT = 15_000;

// Buns sell at 4.50 and cost 1.25 to make, the oven 6 an hour; totes 18 and 6.50, the printer 3 an hour.
const CATALOGUE: Catalogue = [
  {
    sku: 'cardamom-bun',
    name: 'Cardamom bun',
    variants: [{ id: 'classic', name: 'Classic' }],
    runSize: 12,
    runQuantity: 120,
    production: 'batch',
    runMinutes: 20,
    machineKind: 'oven',
    unitPrice: 4.5,
    unitCost: 1.25,
    machineCostPerHour: 6,
  },
  {
    sku: 'tote-print',
    name: 'Printed tote',
    variants: [{ id: 'sand', name: 'Sand' }],
    runSize: 4,
    runQuantity: 30,
    production: 'to-order',
    runMinutes: 6,
    machineKind: 'printer',
    unitPrice: 18,
    unitCost: 6.5,
    machineCostPerHour: 3,
  },
];

const round2 = (n: number) => Math.round(n * 100) / 100;
/** As the console words a span: minutes to one decimal. */
const minutes = (ms: number) => `${Math.round(ms / 6_000) / 10} min`;

/** Every element in the runs part that shows text of its own below 16 px. */
function smallText(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.runs, .runs *')]
      .filter((el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== ''))
      .filter((el) => el.getClientRects().length > 0 && parseFloat(getComputedStyle(el).fontSize) < 16)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 30)} (${getComputedStyle(el).fontSize})`),
  );
}

describe('the staff console’s runs today, in Chromium', () => {
  let hub: Hub;
  let browser: Browser;

  beforeAll(async () => {
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(config, JSON.stringify({ promiseMinutes: 600, catalogue: CATALOGUE }));
    hub = await startTestHub({ CONFIG: config });
    browser = await launchChromium();
    const now = Date.now();
    expect((await post(`${hub.url}/api/machines`, machine({ id: 'oven-1', name: 'Oven 1', kind: 'oven', state: 'idle', updatedAt: now }))).status).toBe(200);
    expect(
      (await post(`${hub.url}/api/machines`, machine({ id: 'printer-1', name: 'Printer 1', kind: 'printer', state: 'idle', updatedAt: now }))).status,
    ).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  const openConsole = (): Promise<Page> => openConsoleAt(browser, hub.url, LANDSCAPE);

  async function activeRun(id: string): Promise<Run | undefined> {
    const body = (await (await fetch(`${hub.url}/api/runs`, { headers: AUTH })).json()) as { data: { runs: Run[] } };
    return body.data.runs.find((r) => r.id === id);
  }

  /** Each step of a run as the event log has it. */
  async function logged(id: string, status: Run['status']): Promise<Run> {
    const exported = await (await fetch(`${hub.url}/api/export?format=ndjson`, { headers: AUTH })).text();
    const runs = exported
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LoggedEvent)
      .flatMap((e) => (e.type === 'run' && e.run.id === id && e.run.status === status ? [e.run] : []));
    expect(runs, `${id} ${status}`).toHaveLength(1);
    return runs[0]!;
  }

  const today = (page: Page) => page.getByRole('region', { name: 'Today' });
  const runsPart = (page: Page) => today(page).getByRole('region', { name: 'Runs today' });
  const tile = (page: Page, figure: string) => runsPart(page).locator(`[data-figure="${figure}"] dd`);

  it('says in one muted line that no run is done yet, with no empty figures', async () => {
    const staff = await openConsole();
    await runsPart(staff).getByText('No runs finished yet today.').waitFor();
    expect(await runsPart(staff).locator('[data-figure], li').count()).toBe(0);
    await staff.close();
  });

  it('shows the day’s runs, units, margins, shelf time and machine use, and the latest runs newest first', { timeout: 90_000 }, async () => {
    const now = Date.now();
    // Buns for A (3) and B (2), tote for C (2); A came 25 minutes ago, the others after it.
    const a = order({ number: 'A1', items: [{ sku: 'cardamom-bun', variant: 'classic', qty: 3 }], updatedAt: now - 25 * MIN });
    const b = order({ number: 'B1', items: [{ sku: 'cardamom-bun', variant: 'classic', qty: 2 }], updatedAt: now - 24 * MIN });
    const c = order({ number: 'C1', items: [{ sku: 'tote-print', variant: 'sand', qty: 2 }], updatedAt: now - 10 * MIN });
    for (const o of [a, b, c]) expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);

    // Ten buns, put in the oven 20 minutes ago (the oven says so), out now: nine good, one dropped.
    const bunsStart = now - 20 * MIN;
    const buns = {
      id: 'fig-buns',
      sku: 'cardamom-bun',
      variant: 'classic',
      qty: 10,
      machine: 'oven-1',
      allocations: [
        { orderId: a.id, qty: 3 },
        { orderId: b.id, qty: 2 },
      ],
    };
    expect((await post(`${hub.url}/api/runs`, buns)).status).toBe(201);
    const batch = { sku: 'cardamom-bun', qty: 10, startedAt: bunsStart, endsAt: bunsStart + 20 * MIN, runId: 'fig-buns' };
    expect(
      (await post(`${hub.url}/api/machines`, machine({ id: 'oven-1', name: 'Oven 1', kind: 'oven', state: 'running', batch, updatedAt: now }))).status,
    ).toBe(200);
    await eventually(async () => expect((await activeRun('fig-buns'))?.status).toBe('running'));
    expect((await post(`${hub.url}/api/runs/fig-buns/finish`, { produced: 9, wasted: 1 })).status).toBe(200);

    // Three totes on the printer, started and finished by hand: all three good, two for C, one for the counter.
    const totes = { id: 'fig-totes', sku: 'tote-print', variant: 'sand', qty: 3, allocations: [{ orderId: c.id, qty: 2 }] };
    expect((await post(`${hub.url}/api/runs`, totes)).status).toBe(201);
    expect((await post(`${hub.url}/api/runs/fig-totes/start`, { machine: 'printer-1' })).status).toBe(200);
    expect((await post(`${hub.url}/api/runs/fig-totes/finish`, { produced: 3, wasted: 0 })).status).toBe(200);

    // A and B collect their buns 12 and 18 minutes after the oven was emptied, by the till's clock (the hub
    // takes each event's own time); C has not been yet.
    const bunsDone = await logged('fig-buns', 'done');
    const totesDone = await logged('fig-totes', 'done');
    expect(bunsDone.startedAt).toBe(bunsStart);
    for (const [o, after] of [
      [a, 12 * MIN],
      [b, 18 * MIN],
    ] as const) {
      await eventually(async () => expect((await hub.board.order(o.id))?.status).toBe('ready'));
      expect((await post(`${hub.url}/api/orders`, { ...o, status: 'picked_up', updatedAt: bunsDone.doneAt! + after })).status).toBe(200);
    }

    // By hand. Buns: 5 sold × 4.50 − 9 made × 1.25 − the oven's hours × 6. Totes: 2 × 18 − 3 × 6.50 − printer hours × 3.
    const bunsMargin = round2(4.5 * 5 - 1.25 * 9 - ((bunsDone.doneAt! - bunsStart) / HOUR) * 6);
    const totesMargin = round2(18 * 2 - 6.5 * 3 - ((totesDone.doneAt! - totesDone.startedAt!) / HOUR) * 3);
    expect(bunsMargin).toBeGreaterThan(9.2);
    expect(bunsMargin).toBeLessThanOrEqual(9.25);
    expect(totesMargin).toBeGreaterThan(16.45);
    // Of two runs, the median by nearest rank is the lower.
    const median = Math.min(bunsMargin, totesMargin);
    const total = round2(bunsMargin + totesMargin);
    // Shelf time, weighted by units: 3 buns waited 12 minutes, 2 waited 18: 14.4 minutes.
    const shelf = minutes((3 * 12 * MIN + 2 * 18 * MIN) / 5);
    expect(shelf).toBe('14.4 min');
    // Order to pickup of the buns: A's arrival to B's pickup.
    const bunsFulfilment = minutes(bunsDone.doneAt! + 18 * MIN - a.updatedAt);

    const staff = await openConsole();
    await tile(staff, 'runs').filter({ hasText: /^2$/ }).waitFor({ timeout: FIGURES_TIMEOUT });
    // The figures refresh as a whole: wait for the one that comes with the pickups.
    await tile(staff, 'shelf-wait').filter({ hasText: shelf }).waitFor({ timeout: FIGURES_TIMEOUT });
    expect(await tile(staff, 'units').textContent()).toBe('12 · 7 · 1');
    expect(await tile(staff, 'margin-median').textContent()).toBe(median.toFixed(2));
    expect(await tile(staff, 'margin-total').textContent()).toBe(total.toFixed(2));
    expect(await runsPart(staff).getByText('No runs finished yet today.').count()).toBe(0);

    // Each machine by its name, with its share of time in runs since its first run today.
    const machines = runsPart(staff).locator('p.machine');
    expect(await machines.evaluateAll((els) => els.map((e) => e.getAttribute('data-machine')))).toEqual(['oven-1', 'printer-1']);
    expect(await machines.nth(0).textContent()).toMatch(/^Oven 1(99|100)%$/);
    expect(await machines.nth(1).textContent()).toMatch(/^Printer 1\d{1,3}%$/);

    // The latest runs, newest first, by the menu's names.
    const rows = runsPart(staff).locator('ol.recent li');
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).toEqual(['fig-totes', 'fig-buns']);
    const totesRow = rows.nth(0);
    const bunsRow = rows.nth(1);
    expect(await totesRow.locator('.what').textContent()).toMatch(/^\d\d:\d\d( [AP]M)? · Printed tote · Printer 1$/);
    expect(await totesRow.locator('.amount').textContent()).toBe(`margin ${totesMargin.toFixed(2)}`);
    expect(await totesRow.locator('.details span').allTextContents()).toEqual(['3 of 3 good', 'batch 75% full', 'none thrown away', 'order to pickup –']);
    expect(await bunsRow.locator('.what').textContent()).toMatch(/^\d\d:\d\d( [AP]M)? · Cardamom bun · Oven 1$/);
    expect(await bunsRow.locator('.amount').textContent()).toBe(`margin ${bunsMargin.toFixed(2)}`);
    expect(await bunsRow.locator('.details span').allTextContents()).toEqual([
      '9 of 10 good',
      'batch 83% full',
      '1 thrown away',
      `order to pickup ${bunsFulfilment}`,
    ]);

    // Readable on the tablet either way round: no text under 16 px, nothing axe-core objects to.
    for (const [name, viewport] of [
      ['landscape', LANDSCAPE],
      ['portrait', PORTRAIT],
    ] as const) {
      await staff.setViewportSize(viewport);
      await runsPart(staff).scrollIntoViewIfNeeded();
      expect(await smallText(staff), name).toEqual([]);
      const found = await axeViolations(staff);
      expect(found, `${name}\n${describeViolations(found)}`).toEqual([]);
      await runsPart(staff).screenshot({ path: `/tmp/run-figures-${name}.png` });
      await staff.screenshot({ path: `/tmp/run-figures-${name}-page.png` });
    }
    await staff.close();
  });

  it('lists the latest eight runs, newest first, however many were done', { timeout: 60_000 }, async () => {
    // After the two runs above, eight more totes, one at a time, for the counter: ten runs today in all.
    const ids = Array.from({ length: 8 }, (_, i) => `fig-more-${i + 1}`);
    for (const id of ids) {
      expect((await post(`${hub.url}/api/runs`, { id, sku: 'tote-print', variant: 'sand', qty: 1 })).status).toBe(201);
      expect((await post(`${hub.url}/api/runs/${id}/start`, { machine: 'printer-1' })).status).toBe(200);
      expect((await post(`${hub.url}/api/runs/${id}/finish`, { produced: 1 })).status).toBe(200);
    }
    const staff = await openConsole();
    await tile(staff, 'runs').filter({ hasText: /^10$/ }).waitFor({ timeout: FIGURES_TIMEOUT });
    expect(await tile(staff, 'units').textContent()).toBe('20 · 7 · 1');
    const rows = runsPart(staff).locator('ol.recent li');
    // Newest first by when each was done (two done in the same millisecond by id, as the hub sorts them).
    const done = await Promise.all(ids.map((id) => logged(id, 'done')));
    const newestFirst = done.sort((x, y) => y.doneAt! - x.doneAt! || (x.id < y.id ? -1 : 1)).map((r) => r.id);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).toEqual(newestFirst);
    await runsPart(staff).getByText('Latest 8 runs').waitFor();
    await staff.close();
  });
});
