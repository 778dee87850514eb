import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemandProfileBuilder, readDemandProfile } from '../server/production/demand-profile.js';
import { closingOn } from '../server/production/store-hours.js';
import { EVENT_LOG_STREAM } from '../server/state/redis/event-log.js';
import type { Product } from '../shared/schemas/catalogue.js';
import type { Order } from '../shared/schemas/order.js';
import { bothStates } from './helpers/states.js';
import { TestRedis } from './helpers/redis-server.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const BUN: Product = { sku: 'bun', name: 'Bun', variants: [], runSize: 12, runMinutes: 20, runQuantity: 500, production: 'batch', machineKind: 'oven' };
const TOTE: Product = { sku: 'tote', name: 'Tote', variants: [], runSize: 4, runMinutes: 6, runQuantity: 60, production: 'to-order', machineKind: 'printer' };
const PRODUCTS = new Map([
  ['bun', BUN],
  ['tote', TOTE],
]);
const utc = (d: number, h: number, m = 0) => Date.UTC(2026, 11, d, h, m);

function order(id: string, at: number, qty: number, sku = 'bun'): Order {
  return { id, number: id, items: [{ sku, qty }], status: 'queued', updatedAt: at };
}

describe('the hour-of-day demand profile', () => {
  it('averages each hour of the store’s clock over the days that had orders, counting each order once, batch SKUs only', () => {
    const b = new DemandProfileBuilder(PRODUCTS, 'UTC');
    // 1 December: 6 buns at 10:xx, 2 at 11:xx. 2 December: 10 at 10:xx. A tote and a repeat of o1 count for nothing.
    b.add('o1', utc(1, 10, 5), order('o1', 0, 4).items);
    b.add('o1', utc(1, 10, 6), order('o1', 0, 4).items);
    b.add('o2', utc(1, 10, 50), order('o2', 0, 2).items);
    b.add('o3', utc(1, 11, 10), order('o3', 0, 2).items);
    b.add('o4', utc(2, 10, 0), order('o4', 0, 10).items);
    b.add('t1', utc(2, 10, 0), order('t1', 0, 3, 'tote').items);
    const profile = b.build();
    expect(profile.days).toBe(2);
    // 10:00–11:00: (6 + 10) / 2 = 8; 11:00–12:00: 2 / 2 = 1.
    expect(profile.expected('bun', utc(3, 10), utc(3, 11))).toBeCloseTo(8, 9);
    // 10:30–11:30: half of each hour, 4 + 0.5.
    expect(profile.expected('bun', utc(3, 10, 30), utc(3, 11, 30))).toBeCloseTo(4.5, 9);
    expect(profile.expected('bun', utc(3, 12), utc(3, 20))).toBe(0);
    expect(profile.expected('tote', utc(3, 10), utc(3, 11))).toBe(0);
    expect([...profile.expectedAll(utc(3, 10), utc(3, 11))]).toEqual([['bun', 8]]);
  });

  it('averages a SKU over the days it was ordered at all: one new yesterday is not diluted by the days before it', () => {
    const knot: Product = { ...BUN, sku: 'knot' };
    const b = new DemandProfileBuilder(new Map([...PRODUCTS, ['knot', knot]]), 'UTC');
    for (let d = 1; d <= 6; d++) b.add(`b${d}`, utc(d, 10), order(`b${d}`, 0, 6).items);
    b.add('k1', utc(6, 10), order('k1', 0, 12, 'knot').items);
    const profile = b.build();
    expect(profile.days).toBe(6);
    expect(profile.expected('bun', utc(7, 10), utc(7, 11))).toBeCloseTo(6, 9);
    expect(profile.expected('knot', utc(7, 10), utc(7, 11))).toBeCloseTo(12, 9);
  });

  it('follows the store’s hours in a zone half an hour off UTC', () => {
    // Kolkata is UTC+05:30: an order at 04:40 UTC is at 10:10 there, in the store's hour 10.
    const b = new DemandProfileBuilder(PRODUCTS, 'Asia/Kolkata');
    b.add('o1', utc(1, 4, 40), order('o1', 0, 6).items);
    const profile = b.build();
    expect(profile.expected('bun', utc(3, 4, 30), utc(3, 5, 30))).toBeCloseTo(6, 9); // 10:00–11:00 there
    expect(profile.expected('bun', utc(3, 4), utc(3, 4, 30))).toBe(0); // 09:30–10:00 there
  });

  it('knows nothing before an earlier day is in the log', () => {
    const profile = new DemandProfileBuilder(PRODUCTS, 'UTC').build();
    expect(profile.days).toBe(0);
    expect(profile.expectedAll(utc(3, 10), utc(3, 11)).size).toBe(0);
  });

  it('finds when the store closes today, or the day’s end without a closing time', () => {
    expect(closingOn(utc(3, 12), '22:00', 'Europe/Stockholm')).toBe(utc(3, 21));
    expect(closingOn(utc(3, 12), undefined, 'UTC')).toBe(utc(4, 0));
    // 23:30 UTC on the 3rd is already the 4th in Stockholm: that day's closing.
    expect(closingOn(utc(3, 23, 30), '22:00', 'Europe/Stockholm')).toBe(utc(4, 21));
  });
});

const log = pino({ level: 'silent' });
let redis: TestRedis;
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.destroy();
});

describe.each(bothStates(() => redis, log))('the demand profile read from the event log (%s)', (name, makeState) => {
  it('reads the earlier days’ orders, at their first event, and leaves today and older days out', async () => {
    const state = await makeState();
    try {
      const now = utc(3, 12);
      const events = [
        // 2 December (1 day back): 5 buns at 09:xx, then the same order again at 10:xx (not counted twice).
        { at: utc(2, 9, 15), o: order('a', utc(2, 9, 15), 5) },
        { at: utc(2, 10, 20), o: { ...order('a', utc(2, 10, 20), 5), status: 'ready' as const } },
        // 1 December (2 days back): 3 buns at 09:xx.
        { at: utc(1, 9, 40), o: order('b', utc(1, 9, 40), 3) },
        // 30 November: 3 days back, outside a two-day profile.
        { at: Date.UTC(2026, 10, 30, 9), o: order('c', Date.UTC(2026, 10, 30, 9), 50) },
        // Today: not an earlier day.
        { at: utc(3, 9, 5), o: order('d', utc(3, 9, 5), 70) },
      ];
      let seq = 0;
      const client = redis.client();
      for (const e of events.sort((x, y) => x.at - y.at)) {
        const event = { type: 'order' as const, seq: ++seq, order: e.o, at: e.at };
        // On Redis an entry's id is the server's clock when the store wrote it: earlier days' entries carry theirs.
        if (name === 'redis') await client.xadd(EVENT_LOG_STREAM, `${e.at}-${seq}`, 'e', JSON.stringify(event));
        else await state.events.append(event);
      }
      client.disconnect();
      const profile = await readDemandProfile(state.events, PRODUCTS, { now, days: 2, timeZone: 'UTC' });
      expect(profile.days).toBe(2);
      expect(profile.expected('bun', utc(4, 9), utc(4, 10))).toBeCloseTo((5 + 3) / 2, 9);
      expect(profile.expected('bun', utc(4, 10), utc(4, 11))).toBe(0);
      expect(profile.expected('bun', utc(4, 0), utc(4, 0) + 24 * HOUR - MINUTE)).toBeCloseTo(4, 9);
    } finally {
      await state.close();
    }
  });
});
