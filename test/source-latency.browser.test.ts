import { createHmac, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Hub } from '../server/hub.js';
import type { Order } from '../shared/schemas/order.js';
import { launchChromium, openConsole, storeUrl } from './helpers/browser.js';
import { post, startTestHub, tempDir } from './helpers/hub.js';

/** A till that signs its webhooks (the generic scheme) and sends orders in the generic shape. */
const TILL_SECRET = 'till-secret-for-latency';
const TILL = {
  scheme: 'hmac-sha256',
  secret: TILL_SECRET,
  header: 'X-Till-Signature',
  encoding: 'hex',
  deliveryIdHeader: 'X-Till-Delivery',
  preset: 'generic-json',
};

async function tillOrder(hub: Hub, order: Order): Promise<number> {
  const body = JSON.stringify(order);
  const res = await fetch(`${hub.url}/api/hooks/till`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'X-Till-Signature': createHmac('sha256', TILL_SECRET).update(body, 'utf8').digest('hex'),
      'X-Till-Delivery': randomUUID(),
    },
    body,
  });
  return res.status;
}
import { eventually } from './helpers/screens.js';

/** The source-to-painted histogram's count and sum for one door, read from /metrics as Prometheus would. */
async function latency(hub: Hub, door: string): Promise<{ count: number; sum: number }> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const read = (suffix: string) => Number(new RegExp(`^batchboard_source_to_painted_seconds_${suffix}\\{door="${door}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { count: read('count'), sum: read('sum') };
}

describe('end-to-end latency from a real board in Chromium', () => {
  let browser: Browser;
  let hub: Hub;
  beforeAll(async () => {
    browser = await launchChromium();
    const file = path.join(tempDir(), 'store.json');
    writeFileSync(file, JSON.stringify({ webhooks: { till: TILL } }));
    hub = await startTestHub({ CONFIG: file });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  async function openDisplay(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(storeUrl(hub.url, '/display'));
    await page.waitForSelector('.stage[data-connected="true"]', { timeout: 10_000 });
    return page;
  }

  it('fills the histogram from an order stamped by its source and painted on the board, with plausible figures, and the console shows them', async () => {
    const board = await openDisplay();
    const firstStamp = Date.now();
    // A busy counter: an order a second. The board acks at most one paint in 5 s (its first may be the snapshot at
    // connect), so within a few orders one of them is timed.
    let n = 0;
    await eventually(async () => {
      const order: Order = { id: `lat-${++n}`, number: String(500 + n), items: [{ sku: 'bun', qty: 1 }], status: 'queued', updatedAt: Date.now() };
      expect((await post(`${hub.url}/api/orders`, order)).status).toBe(200);
      await board.getByText(order.number, { exact: true }).first().waitFor({ timeout: 5_000 });
      expect((await latency(hub, 'rest')).count).toBeGreaterThanOrEqual(1);
    }, 20_000);
    const after = Date.now();
    const { sum, count } = await latency(hub, 'rest');
    // The stamp before the paint, and the paint before the hub was asked: between 0 and the time the test took, and
    // on one machine a matter of milliseconds (a change is timed only in the frame that drew it, never after waiting
    // for the sampling window: under 2 s even on a loaded test machine).
    expect(sum).toBeGreaterThan(0);
    expect(sum / count).toBeLessThan(Math.min(2, (after - firstStamp) / 1000));

    const staff = await openConsole(browser, hub.url);
    const tile = staff.getByTestId('to-screen');
    await tile.waitFor({ timeout: 10_000 });
    // p50 / p90 of the samples, each in milliseconds (under a second) or seconds.
    await expect
      .poll(async () => (await tile.locator('dd').textContent())?.trim(), { timeout: 10_000 })
      .toMatch(/^(\d+ ms|\d+(\.\d)? s) \/ (\d+ ms|\d+(\.\d)? s)$/);
    await staff.close();

    // A till's signed webhook: timed under its own door, from the stamp the till gave the order.
    let t = 0;
    await eventually(async () => {
      const order: Order = { id: `till-${++t}`, number: String(700 + t), items: [{ sku: 'bun', qty: 1 }], status: 'queued', updatedAt: Date.now() };
      expect(await tillOrder(hub, order)).toBe(200);
      await board.getByText(order.number, { exact: true }).first().waitFor({ timeout: 5_000 });
      expect((await latency(hub, 'webhook')).count).toBeGreaterThanOrEqual(1);
    }, 20_000);
    const till = await latency(hub, 'webhook');
    expect(till.sum).toBeGreaterThan(0);
    expect(till.sum / till.count).toBeLessThan(2);
    // Closed, so that no board but the next test's socket acks what that test posts.
    await board.close();
  });

  it('takes at most one ack in 5 s from a screen, and no malformed one', async () => {
    const { io } = await import('socket.io-client');
    const before = (await latency(hub, 'rest')).count;
    const order: Order = { id: 'lat-flood', number: '599', items: [{ sku: 'bun', qty: 1 }], status: 'queued', updatedAt: Date.now() };
    const res = await post(`${hub.url}/api/orders`, order);
    const seq = (res.json as { data: { seq: number } }).data.seq;
    const socket = io(`${hub.url}/board`, { transports: ['websocket'] });
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
    socket.emit('painted', { seq: 'x', at: 1 });
    // Ten at once (a screen sending more than 20 a second is cut off as a flood before any reaches a handler).
    for (let i = 0; i < 10; i++) socket.emit('painted', { seq, at: Date.now() });
    // A sync round trip after the acks: the hub has handled them by the time its snapshot comes back.
    socket.emit('sync');
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
    socket.close();
    expect((await latency(hub, 'rest')).count).toBe(before + 1);
  });
});
