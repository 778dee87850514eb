import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../shared/schemas/event-log.js';
import type { ScreenSeen } from '../shared/schemas/display.js';
import { storeDay } from '../shared/tracking.js';
import type { Placement } from '../server/state/stock-store.js';
import type { HubState } from '../server/state/state.js';
import type { EventLog } from '../server/state/event-log.js';
import { EVENT_LOG_STREAM, RedisEventLog } from '../server/state/redis/event-log.js';
import { TestRedis } from './helpers/redis-server.js';
import { bothStates } from './helpers/states.js';
import { order } from './helpers/fixtures.js';

// The state contract: every table of server/state/state.ts behaves the same on both implementations. The
// board's table has its own suite (test/store.test.ts, built on the same two states).

const log = pino({ level: 'silent' });
let redis: TestRedis;
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.destroy();
});

const DAY = storeDay(Date.now());
const SLOT = `N${'0'.repeat(32)}`;

function placement(key: string, qty: number, more: Partial<Placement> = {}): Placement {
  const template = JSON.stringify({ id: `kiosk-${DAY}-${SLOT}`, number: `K${SLOT}`, items: [{ sku: 'bun', qty }], status: 'queued', updatedAt: Date.now() });
  return {
    day: DAY,
    key: key.padStart(16, '-'),
    sku: 'bun',
    qty,
    limit: 10,
    template,
    slot: SLOT,
    taken: [],
    refuseNew: false,
    client: '192.0.2.1',
    at: Date.now(),
    allowance: { itemsPerMinute: 1e9, share: 1e9, shareWindowMs: 60_000 },
    ...more,
  };
}

function seen(name: string, at: number): ScreenSeen {
  return { name, hub: 'hub-a', online: true, connections: 1, lastSeen: at, appVersion: 'v1', station: null, overlay: false };
}

async function allEvents(state: HubState, from: number, to: number): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = [];
  for await (const page of state.events.pages(from, to)) out.push(...page);
  return out;
}

describe('the event log when an append fails', () => {
  const count: LoggedEvent & { type: 'footfall' } = { type: 'footfall', at: Date.now(), footfall: { sensor: 'door-1', in: 2, out: 0, at: Date.now() - 1_000 } };
  const footfall = async (events: EventLog) => {
    const out: number[] = [];
    for await (const page of events.pages(count.at - 60_000, count.at + 60_000)) for (const e of page) if (e.type === 'footfall') out.push(e.footfall.in);
    return out;
  };

  it('redis: a record whose XADD failed (the log a key of another type) is appended by its retry, not dropped as a duplicate', async () => {
    const client = redis.client();
    try {
      await client.flushall();
      const events = new RedisEventLog(client, log, 10_000);
      await client.set(EVENT_LOG_STREAM, 'not a stream');
      await expect(events.appendOnce(count)).rejects.toThrow(/WRONGTYPE/);
      expect(await client.keys('batchboard:once:*')).toEqual([]);
      await client.del(EVENT_LOG_STREAM);
      expect(await events.appendOnce(count)).toBe(true);
      expect(await events.appendOnce(count)).toBe(false);
      expect(await footfall(events)).toEqual([2]);
    } finally {
      client.disconnect();
    }
  });
});

describe.each(bothStates(() => redis, log))('the %s state', (kind, make) => {
  let state: HubState;
  beforeEach(async () => {
    state = await make();
    return () => state.close();
  });

  it('event log: gives back what was appended, oldest first, within the asked time range only', async () => {
    // Logged as it happens (`at` is now): on Redis the range is the entries' server times, embedded their `at`.
    const append = (order: string) =>
      state.events.append({
        type: 'staff',
        at: Date.now(),
        staff: { who: 'Ann', action: 'advance', order, number: 'K1', from: 'queued', to: 'in_production' },
      });
    const nextMs = async () => {
      const now = Date.now();
      while (Date.now() <= now) await new Promise((r) => setImmediate(r));
    };
    const start = Date.now();
    await append('o1');
    await append('o2');
    const cut = Date.now();
    await nextMs();
    await append('o3');
    await append('o4');
    const end = Date.now();
    const orders = async (from: number, to: number) => (await allEvents(state, from, to)).map((e) => e.type === 'staff' && e.staff.order);
    expect(await orders(start, end)).toEqual(['o1', 'o2', 'o3', 'o4']);
    expect(await orders(start, cut)).toEqual(['o1', 'o2']);
    expect(await orders(cut + 1, end)).toEqual(['o3', 'o4']);
    expect(await orders(0, start - 1)).toEqual([]);
  });

  it('event log: appends a record once per idempotency key, even when the same one comes twice at once', async () => {
    const at = Date.now();
    const count = (n: number): LoggedEvent & { type: 'footfall' } => ({ type: 'footfall', at, footfall: { sensor: 'door-1', in: n, out: 0, at: at - 1_000 } });
    // The key is the sensor and the count's time: a second copy (even with other numbers) is the same count.
    expect(await Promise.all([state.events.appendOnce(count(3)), state.events.appendOnce(count(3)), state.events.appendOnce(count(4))])).toEqual([
      true,
      false,
      false,
    ]);
    const other = { ...count(5), footfall: { ...count(5).footfall, id: 'c-2' } };
    expect(await state.events.appendOnce(other)).toBe(true);
    expect(await state.events.appendOnce(other)).toBe(false);
    expect((await allEvents(state, at - 60_000, at + 60_000)).map((e) => (e.type === 'footfall' ? e.footfall.in : -1))).toEqual([3, 5]);
  });

  it('sessions: kept by id until deleted, and all ended at once with a count', async () => {
    const later = Date.now() + 3_600_000;
    await state.sessions.put('a'.repeat(64), { who: 'Ann', expiresAt: later }, 3_600_000);
    await state.sessions.put('b'.repeat(64), { who: 'Bo', expiresAt: later }, 3_600_000);
    expect(await state.sessions.get('a'.repeat(64))).toEqual({ who: 'Ann', expiresAt: later });
    await state.sessions.delete('a'.repeat(64));
    expect(await state.sessions.get('a'.repeat(64))).toBeUndefined();
    await state.sessions.put('c'.repeat(64), { who: 'Cy', expiresAt: later }, 3_600_000);
    expect(await state.sessions.endAll()).toBe(2);
    expect(await state.sessions.get('b'.repeat(64))).toBeUndefined();
    expect(await state.sessions.endAll()).toBe(0);
  });

  it('undo: an entry is kept by its id until deleted', async () => {
    const before = order({ id: 'u-1', status: 'queued' });
    const entry = { before, after: { ...before, status: 'in_production' as const, updatedAt: before.updatedAt + 1 }, until: Date.now() + 10_000 };
    expect(await state.undo.get('undo-id-0001')).toBeUndefined();
    await state.undo.put('undo-id-0001', entry, 10_000);
    expect(await state.undo.get('undo-id-0001')).toEqual(entry);
    await state.undo.delete('undo-id-0001');
    expect(await state.undo.get('undo-id-0001')).toBeUndefined();
  });

  it('arrivals: the first time kept for an order wins, whoever claims it later, until the order is forgotten', async () => {
    const claim = async (...entries: [id: string, at: number, newerThan?: number][]) =>
      Object.fromEntries(await state.arrivals.claim(new Map(entries.map(([id, at, newerThan]) => [id, { at, newerThan }]))));
    expect(await claim(['a-1', 1_000], ['a-2', 2_000])).toEqual({ 'a-1': 1_000, 'a-2': 2_000 });
    // Another hub, or this one after a restart, claims later times: it is told the kept ones.
    expect(await claim(['a-1', 5_000], ['a-3', 3_000])).toEqual({ 'a-1': 1_000, 'a-3': 3_000 });
    await state.arrivals.forget(['a-1', 'never-claimed']);
    expect(await claim(['a-1', 6_000], ['a-2', 7_000])).toEqual({ 'a-1': 6_000, 'a-2': 2_000 });
    // A time kept from before `newerThan` is an earlier order's under the same id: the new one's replaces it.
    expect(await claim(['a-2', 8_000, 2_500], ['a-3', 9_000, 2_500])).toEqual({ 'a-2': 8_000, 'a-3': 3_000 });
    expect(await claim(['a-2', 10_000])).toEqual({ 'a-2': 8_000 });
    expect((await state.arrivals.claim(new Map())).size).toBe(0);
  });

  it('screens: a name is added once; what was seen is kept only for an added name, and goes with it', async () => {
    expect(await state.screens.add('counter', 1)).toBe(true);
    expect(await state.screens.add('counter', 2)).toBe(false);
    await state.screens.putSeen(seen('counter', 10));
    await state.screens.putSeen(seen('stranger', 10));
    const rows = await state.screens.rows();
    expect([...rows.added]).toEqual([['counter', 1]]);
    expect(rows.seen.map((r) => r.name)).toEqual(['counter']);
    expect(await state.screens.remove('counter')).toBe(true);
    expect(await state.screens.remove('counter')).toBe(false);
    expect(await state.screens.rows()).toEqual({ added: new Map(), seen: [] });
  });

  it('credentials: none at first; the first kept stays (another hub may make one at the same time); a rotation replaces it', async () => {
    expect(await state.credentials.read()).toEqual({});
    const first = { sha256: 'a'.repeat(64) };
    expect(await state.credentials.keepFirst('apiToken', first)).toEqual(first);
    expect(await state.credentials.keepFirst('apiToken', { sha256: 'b'.repeat(64) })).toEqual(first);
    await state.credentials.replace('apiToken', { sha256: 'c'.repeat(64) });
    expect(await state.credentials.read()).toEqual({ apiToken: { sha256: 'c'.repeat(64) } });
  });

  it('leases: a holder that holds a lease keeps it when it asks again', async () => {
    expect(await state.leases.hold('contract:lease', 'hub-a', 10_000)).toBe(true);
    expect(await state.leases.hold('contract:lease', 'hub-a', 10_000)).toBe(true);
  });

  if (kind === 'redis') {
    it('arrivals on Redis: a write Redis refuses is a failed claim (tried again), not a time kept', async () => {
      const admin = redis.client();
      try {
        await admin.config('SET', 'maxmemory', '1');
        await expect(state.arrivals.claim(new Map([['oom-1', { at: 1_000 }]]))).rejects.toThrow(/OOM/);
        await admin.config('SET', 'maxmemory', '0');
        expect(Object.fromEntries(await state.arrivals.claim(new Map([['oom-1', { at: 2_000 }]])))).toEqual({ 'oom-1': 2_000 });
      } finally {
        await admin.config('SET', 'maxmemory', '0');
        admin.disconnect();
      }
    });

    it('leases on Redis: one holder at a time among hubs, until the lease runs out', async () => {
      const other = await make();
      try {
        expect(await state.leases.hold('contract:once', 'hub-a', 300)).toBe(true);
        expect(await other.leases.hold('contract:once', 'hub-b', 300)).toBe(false);
        const until = Date.now() + 5_000;
        while (!(await other.leases.hold('contract:once', 'hub-b', 300))) {
          expect(Date.now()).toBeLessThan(until);
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(await state.leases.hold('contract:once', 'hub-a', 300)).toBe(false);
      } finally {
        await other.close();
      }
    });
  }

  it('stock: sells from an opened day up to its run, answers a repeat with the same order, and counts a return', async () => {
    await state.stock.start(
      () => undefined,
      () => undefined,
    );
    try {
      await state.stock.open(DAY, { sold: {}, lastNumber: 0 });
      const placed = await state.stock.place(placement('k1', 4));
      expect(placed.kind).toBe('placed');
      expect(await state.stock.place(placement('k1', 4))).toEqual({ ...placed, kind: 'repeat' });
      expect(await state.stock.place(placement('k2', 7))).toEqual({ kind: 'sold_out', left: 6 });
      expect(await state.stock.sold(DAY)).toEqual({ bun: 4 });
      await state.stock.adjust(DAY, 'bun', -4);
      expect(await state.stock.sold(DAY)).toEqual({ bun: 0 });
      expect(await state.stock.lastNumber(DAY)).toBeGreaterThan(0);
    } finally {
      await state.stock.close();
    }
  });
});
