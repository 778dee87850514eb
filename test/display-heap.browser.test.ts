import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Hub } from '../server/hub.js';
import type { Machine } from '../shared/schemas/machine.js';
import type { Order } from '../shared/schemas/order.js';
import { animationsSettled, launchChromium, storeUrl } from './helpers/browser.js';
import { startTestHub } from './helpers/hub.js';

const EVENTS = 50_000;
const WARM_UP = 5_000;
const CHUNK = 500;

describe('the display over a long day', () => {
  let browser: Browser;
  let hub: Hub;
  beforeAll(async () => {
    browser = await launchChromium();
    hub = await startTestHub();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it(`keeps its JS heap within 20% after ${EVENTS.toLocaleString('en')} events`, async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(storeUrl(hub.url, '/display'));
    await page.waitForSelector('.stage[data-connected="true"]');
    const cdp = await page.context().newCDPSession(page);
    // Measured at rest: a card on its way out is held by its transition until it ends.
    const once = async () => {
      await animationsSettled(page);
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    // The median of three readings half a second apart: a transient (a frame's work still queued on a
    // loaded machine) must not pass for growth, nor hide it, since growth persists across all three.
    const heap = async () => {
      const readings: number[] = [];
      for (let i = 0; i < 3; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 500));
        readings.push(await once());
      }
      return readings.sort((a, b) => a - b)[1]!;
    };

    // A realistic churn: orders arrive, advance and leave (the board stays ~30 orders), machines report readings.
    let n = 0;
    // Fresh timestamps: old ready orders would be swept by the ready time-out meanwhile.
    let t = Date.now();
    const live: Order[] = [];
    const send = async (count: number) => {
      for (let i = 0; i < count; i += CHUNK) {
        for (let j = 0; j < CHUNK; j++, n++) {
          t++;
          if (n % 4 === 0) {
            const m: Machine = { id: `oven-${n % 3}`, kind: 'oven', state: n % 40 === 0 ? 'unloading' : 'running', readings: { tempC: 200 + (n % 30) }, updatedAt: t };
            await hub.board.upsertMachine(m);
          } else if (live.length < 30 || n % 4 === 1) {
            const o: Order = { id: `heap-${n}`, number: String(n % 10_000), name: 'Guest', items: [{ sku: 'bun', qty: 1 }], status: 'queued', updatedAt: t };
            live.push(o);
            await hub.board.upsertOrder(o);
          } else {
            const o = live.shift()!;
            const next: Order = { ...o, status: o.status === 'queued' ? 'ready' : 'picked_up', updatedAt: t };
            if (next.status === 'ready') live.push(next);
            await hub.board.upsertOrder(next);
          }
        }
        // Let the page keep up, so the measurement is of what it holds, not of a socket backlog.
        await page.waitForFunction((seq) => Number(document.querySelector<HTMLElement>('.stage')?.dataset.seq) >= seq, hub.board.seq, { timeout: 30_000 });
      }
    };

    await send(WARM_UP);
    const before = await heap();
    await send(EVENTS);
    const after = await heap();
    const growth = after / before;
    console.log(`display heap: ${(before / 1e6).toFixed(2)} MB -> ${(after / 1e6).toFixed(2)} MB (x${growth.toFixed(3)}) over ${EVENTS} events`);
    expect(growth).toBeLessThanOrEqual(1.2);
    await page.close();
  }, 240_000);
});
