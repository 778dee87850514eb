import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import type { Run } from '../shared/schemas/run.js';
import { animationsSettled, launchChromium, storeUrl } from './helpers/browser.js';
import { machine, order } from './helpers/fixtures.js';
import { post, startTestHub, tempDir } from './helpers/hub.js';

// Issue 17 on the screens: a run of buns started by the runs API ("Loaded") shows on the board's production
// strip with the numbers of its orders and its end, the cards say "In the oven", and the tracker says when the
// tray comes out, on the store's clock; finishing it ("Unloaded") makes the cards ready.

const SHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');
const BOARD = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };
// Never the zone of the machine running the test (UTC here): both pages must show the store's time.
const ZONE = 'Asia/Kolkata';
const storeClock = (at: number) => new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', timeZone: ZONE }).format(at);

describe('a production run on the board and the tracker', () => {
  let hub: Hub;
  let browser: Browser;
  const pages: Page[] = [];
  const newPage = async (viewport: { width: number; height: number }): Promise<Page> => {
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(10_000);
    pages.push(page);
    return page;
  };

  beforeAll(async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'store.json'), JSON.stringify({ storeName: 'Bun & Thread', timeZone: ZONE }));
    hub = await startTestHub({ CONFIG: path.join(dir, 'store.json') });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(pages.map((p) => p.close()));
    await browser?.close();
    await hub?.close();
  });

  it('shows the run in the oven with its orders and end, the cards in the oven, the tracker ready at about its end; finishing makes them ready', async () => {
    const now = Date.now();
    const buns = ['101', '102', '103'].map((number, i) =>
      order({ number, name: ['Ana', 'Ben', 'Cleo'][i], items: [{ sku: 'cardamom-bun', qty: 2 }], updatedAt: now + i }),
    );
    const other = order({ number: '104', name: 'Dag', items: [{ sku: 'tote-print', variant: 'sand', qty: 1 }], updatedAt: now + 3 });
    for (const o of [...buns, other]) expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);
    for (const m of [
      machine({ id: 'oven-1', name: 'Oven', kind: 'oven', state: 'idle', readings: { tempC: 180 } }),
      machine({ id: 'printer-1', name: 'Printer', kind: 'printer', state: 'idle', readings: { inkPct: 64 } }),
    ])
      expect((await post(`${hub.url}/api/machines`, { ...m, updatedAt: Date.now() })).status).toBe(200);

    const board = await newPage(BOARD);
    await board.goto(storeUrl(hub.url, '/display'));
    await board.locator('.stage[data-connected="true"]').waitFor();
    await board.locator(`[data-order="${other.id}"]`).waitFor();
    const phone = await newPage(PHONE);
    await phone.goto(storeUrl(hub.url, '/track/102'));
    await phone.locator('main.track[data-status="queued"]').waitFor();

    // Planned: the tracker already has a time from the plan (now + the bun's 20 minutes); the board shows nothing yet.
    const planned = await post(`${hub.url}/api/runs`, {
      id: 'run-buns',
      sku: 'cardamom-bun',
      qty: 12,
      allocations: buns.map((o) => ({ orderId: o.id, qty: 2 })),
    });
    expect(planned.status).toBe(201);
    const plannedStart = (planned.json as { data: { run: Run } }).data.run.plannedStart;
    const eta = phone.getByTestId('eta');
    await eta.and(phone.locator('[data-run="planned"]')).waitFor();
    // The planned end is counted from when the hub answered the phone: the minute may have turned since the run was made.
    expect([storeClock(plannedStart + 20 * 60_000), storeClock(Date.now() + 20 * 60_000)].map((t) => `Next up — ready at about ${t}`)).toContain(
      (await eta.textContent())!.trim(),
    );

    // "Loaded": the run starts in the oven by the API, and the oven says it is running.
    const started = await post(`${hub.url}/api/runs/run-buns/start`, { machine: 'oven-1' });
    expect(started.status).toBe(200);
    const endsAt = (started.json as { data: { run: Run } }).data.run.endsAt!;
    expect(
      (
        await post(
          `${hub.url}/api/machines`,
          machine({ id: 'oven-1', name: 'Oven', kind: 'oven', state: 'running', readings: { tempC: 218 }, updatedAt: Date.now() }),
        )
      ).status,
    ).toBe(200);

    const oven = board.locator('.machine[data-machine="oven-1"]');
    await oven.getByTestId('run-orders').filter({ hasText: 'For 101 · 102 · 103' }).waitFor();
    expect((await oven.locator('.batch').textContent())!.trim()).toBe('Cardamom bun ×12');
    // Minutes are rounded up against the page's 1 Hz clock, which may be up to a second behind: 21 just after the start.
    expect((await oven.getByTestId('run-left').textContent())!.trim()).toMatch(new RegExp(`^(21|20|19) min left · out at ${storeClock(endsAt)}$`));
    // The printer has no run: nothing about orders there.
    expect(await board.locator('.machine[data-machine="printer-1"] [data-testid="run-orders"]').count()).toBe(0);
    for (const o of buns) await board.locator(`section.column.preparing [data-order="${o.id}"] .tag`).filter({ hasText: 'In the oven' }).waitFor();
    expect((await board.locator(`[data-order="${other.id}"] .tag`).textContent())!.trim()).toBe('○ Queued');

    await eta.and(phone.locator('[data-run="running"]')).waitFor();
    expect((await eta.textContent())!.trim()).toBe(`In the oven — ready at about ${storeClock(endsAt)}`);
    // In the oven is being made, though staff never moved the order on by hand.
    expect((await phone.locator('.steps li.current').textContent())!.trim()).toMatch(/^2\s*Being made/);

    await animationsSettled(board);
    await board.screenshot({ path: path.join(SHOTS, 'display-production-run-1920.png') });
    await phone.screenshot({ path: path.join(SHOTS, 'track-in-the-oven-390.png') });

    // "Unloaded": the run's orders turn ready by themselves, the strip forgets the run, the tracker says ready.
    expect((await post(`${hub.url}/api/runs/run-buns/finish`, { produced: 12, wasted: 0 })).status).toBe(200);
    for (const o of buns) await board.locator(`section.column.ready [data-order="${o.id}"]`).waitFor();
    await oven.getByTestId('run-orders').waitFor({ state: 'detached' });
    expect((await board.locator(`[data-order="${other.id}"] .tag`).textContent())!.trim()).toBe('○ Queued');
    await phone.locator('main.track[data-status="ready"]').waitFor();
    await eta.waitFor({ state: 'detached' });
  });
});
