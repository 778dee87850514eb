import { Writable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { io, type Socket } from 'socket.io-client';
import type { StaffClientToServerEvents, StaffServerToClientEvents } from '../shared/events.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import type { ConsoleState } from '../shared/schemas/staff.js';
import { STAFF_NAMESPACE } from '../shared/protocol.js';
import { order } from './helpers/fixtures.js';
import { TEST_PIN, post, startTestHub, tempDir } from './helpers/hub.js';
import { listRoutes } from './helpers/routes.js';
import { TestRedis } from './helpers/redis-server.js';
import { ARRIVAL_KEPT_MS } from '../server/state/arrival-table.js';
import { eventually } from './helpers/screens.js';

const CSRF = { 'x-batchboard-staff': '1' };

async function login(
  hub: Hub,
  pin = TEST_PIN,
  name = 'Ana',
  cookie?: string,
): Promise<{
  status: number;
  cookie: string;
  setCookie: string;
  json: { ok: boolean; error?: { code: string; params: Record<string, unknown>; message: string } };
}> {
  const res = await fetch(`${hub.url}/api/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ pin, name }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, setCookie, cookie: setCookie.split(';')[0]!, json: (await res.json()) as never };
}

async function staffPost(hub: Hub, route: string, cookie: string, body: unknown = {}, headers: Record<string, string> = CSRF) {
  const res = await fetch(`${hub.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    json: (await res.json()) as { ok: boolean; data?: { order: { status: string }; undo: string }; error?: { code: string; message: string } },
  };
}

function consoleState(hub: Hub, cookie: string | undefined, until: (s: ConsoleState) => boolean = () => true): Promise<ConsoleState> {
  return new Promise((resolve, reject) => {
    const socket: Socket<StaffServerToClientEvents, StaffClientToServerEvents> = io(`${hub.url}${STAFF_NAMESPACE}`, {
      transports: ['websocket'],
      extraHeaders: cookie ? { cookie } : {},
      reconnection: false,
    });
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no console state in time'));
    }, 8_000);
    socket.on('console', (s) => {
      if (!until(s)) return;
      clearTimeout(timer);
      socket.close();
      resolve(s);
    });
    socket.on('connect_error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
  });
}

describe('the staff console behind its PIN', () => {
  let hub: Hub;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(config, JSON.stringify({ promiseMinutes: 0.01, staff: { maxFailures: 10, lockMinutes: 5 } }));
    hub = await startTestHub({ CONFIG: config }, { log: pino({ level: 'info' }, sink) });
  });
  afterAll(() => hub?.close());

  it('refuses every route but the public ones, and the staff namespace, to anonymous callers', async () => {
    const routes = listRoutes(hub.app);
    const PUBLIC = new Set([
      'GET /api/board',
      'GET /api/kiosk',
      'POST /api/kiosk/orders',
      'GET /api/track/:number',
      'POST /api/staff/login',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /',
    ]);
    const guarded = routes.filter((r) => r.path.startsWith('/api') && !PUBLIC.has(`${r.method} ${r.path}`));
    // The list is read from the app: if this drops, the enumeration broke, not the hub.
    expect(guarded.length).toBeGreaterThanOrEqual(12);
    for (const r of guarded) {
      const url = `${hub.url}${r.path.replace(/:(\w+)/g, (_m, p: string) => (p === 'action' ? 'advance' : 'x'))}`;
      const res = await fetch(url, {
        method: r.method,
        headers: { 'content-type': 'application/json', ...CSRF },
        ...(r.method === 'GET' ? {} : { body: '{}' }),
      });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
    await expect(consoleState(hub, undefined)).rejects.toThrow(/unauthorized/);
    await expect(consoleState(hub, 'bb_staff=forged-token-forged-token')).rejects.toThrow(/unauthorized/);
  });

  it('logs in with a fresh httpOnly SameSite session, and refuses cookie writes without the staff header', async () => {
    const first = await login(hub);
    expect(first.status).toBe(200);
    expect(first.setCookie).toMatch(/^bb_staff=[\w-]{40,};/);
    expect(first.setCookie).toContain('HttpOnly');
    expect(first.setCookie).toContain('SameSite=Strict');
    expect(first.setCookie).not.toContain('Secure');
    // Behind a TLS proxy on the same host (trusted), the cookie is marked Secure.
    const viaTls = await fetch(`${hub.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'x-forwarded-proto': 'https', 'content-type': 'application/json' },
      body: JSON.stringify({ pin: TEST_PIN }),
    });
    expect(viaTls.headers.get('set-cookie')).toContain('; Secure');
    // A new token at every login; the one sent along with it is ended.
    const second = await login(hub, TEST_PIN, 'Ana', first.cookie);
    expect(second.cookie).not.toBe(first.cookie);
    expect((await fetch(`${hub.url}/api/staff/session`, { headers: { cookie: first.cookie } })).status).toBe(401);
    expect((await fetch(`${hub.url}/api/staff/session`, { headers: { cookie: second.cookie } })).status).toBe(200);

    await post(`${hub.url}/api/orders`, order({ id: 'csrf-1', number: '501' }));
    expect((await staffPost(hub, '/api/staff/orders/csrf-1/advance', second.cookie, {}, {})).status).toBe(403);
    expect((await staffPost(hub, '/api/staff/orders/csrf-1/advance', second.cookie)).status).toBe(200);
    await staffPost(hub, '/api/staff/logout', second.cookie);
    expect((await staffPost(hub, '/api/staff/orders/csrf-1/advance', second.cookie)).status).toBe(401);
  });

  it('advances, recalls, cancels and undoes through the intake, logging who did it', async () => {
    const { cookie } = await login(hub, TEST_PIN, 'Bea');
    await post(`${hub.url}/api/orders`, order({ id: 'flow-1', number: '601', status: 'queued' }));
    const act = (action: string) => staffPost(hub, `/api/staff/orders/flow-1/${action}`, cookie);
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await act('advance')).json.data!.order.status);
    expect(statuses).toEqual(['in_production', 'ready', 'picked_up']);
    expect(hub.board.snapshot().orders.some((o) => o.id === 'flow-1')).toBe(false);
    expect(await act('advance')).toMatchObject({ status: 409, json: { error: { code: 'not_allowed' } } });
    expect((await act('recall')).json.data!.order.status).toBe('ready');
    const cancel = await act('cancel');
    expect(cancel.json.data!.order.status).toBe('cancelled');
    const undo = await staffPost(hub, '/api/staff/undo', cookie, { undo: cancel.json.data!.undo });
    expect(undo.json.data!.order.status).toBe('ready');
    expect(hub.board.snapshot().orders.find((o) => o.id === 'flow-1')?.status).toBe('ready');
    expect(await staffPost(hub, '/api/staff/undo', cookie, { undo: cancel.json.data!.undo })).toMatchObject({ status: 410 });
    expect(await act('dance')).toMatchObject({ status: 404 });
    expect(await staffPost(hub, '/api/staff/orders/nobody/advance', cookie)).toMatchObject({ status: 404, json: { error: { code: 'unknown_order' } } });
    // Only the staff actions' lines: with a 600 ms promise, 'order is late' for flow-1 may be logged in between.
    const logged = lines.filter((l) => l.order === 'flow-1' && typeof l.msg === 'string' && /^order (advance|recall|cancel|undo)$/.test(l.msg));
    expect(logged.map((l) => [l.who, l.to])).toEqual([
      ['Bea', 'in_production'],
      ['Bea', 'ready'],
      ['Bea', 'picked_up'],
      ['Bea', 'ready'],
      ['Bea', 'cancelled'],
      ['Bea', 'ready'],
    ]);
    expect(logged.every((l) => typeof l.time === 'number')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(TEST_PIN);
  });

  it('raises an order past its promise, once, and shows it late on the console', async () => {
    const { cookie } = await login(hub);
    await post(`${hub.url}/api/orders`, order({ id: 'late-1', number: '701', promisedAt: Date.now() - 60_000 }));
    await post(`${hub.url}/api/orders`, order({ id: 'late-2', number: '702' })); // no promise: due promiseMinutes after first seen
    const state = await consoleState(hub, cookie, (s) => s.late.some((l) => l.id === 'late-2'));
    expect(state.late.map((l) => l.id)).toEqual(expect.arrayContaining(['late-1', 'late-2']));
    expect(state.who).toBe('Ana');
    expect(state.dueAt['late-1']).toBeLessThan(Date.now());
    expect(lines.filter((l) => l.msg === 'order is late' && l.order === 'late-1')).toHaveLength(1);
  });
});

describe('the staff login under brute force', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub?.close());

  it('locks after ten wrong PINs, the right PIN included, and says for how long', async () => {
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await login(hub, '000000'));
    expect(answers.slice(0, 9).every((a) => a.status === 401 && a.json.error?.code === 'wrong_pin')).toBe(true);
    expect(answers.slice(0, 9).map((a) => a.json.error?.params.triesLeft)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(answers[9]).toMatchObject({ status: 429, json: { error: { code: 'locked', params: { retryAfterSeconds: expect.any(Number) as unknown } } } });
    const right = await login(hub, TEST_PIN);
    expect(right).toMatchObject({ status: 429, json: { error: { code: 'locked' } } });
    expect(right.setCookie).toBe('');
    expect((await login(hub, 'abc')).status).toBe(400);
  });
});

describe('staff sessions kept in Redis', () => {
  let redis: TestRedis;
  let hub: Hub;
  beforeAll(async () => {
    redis = await TestRedis.start();
    hub = await startTestHub({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await hub?.close();
    await redis?.destroy();
  });

  it('treats a torn session record as no session: the person is asked to log in, the hub does not fail', async () => {
    const { cookie } = await login(hub);
    const ok = await fetch(`${hub.url}/api/staff/session`, { headers: { cookie } });
    expect(ok.status).toBe(200);
    const client = redis.client();
    const keys = await client.keys('batchboard:staff:session:*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) await client.set(key, '{"who":"Ana", torn');
    client.disconnect();
    const torn = await fetch(`${hub.url}/api/staff/session`, { headers: { cookie } });
    expect(torn.status).toBe(401);
    expect(((await torn.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('takes an action back on another hub of the store, within its window', async () => {
    const other = await startTestHub({ REDIS_URL: redis.url });
    try {
      const { cookie } = await login(hub, TEST_PIN, 'Bea');
      await post(`${hub.url}/api/orders`, order({ id: 'undo-elsewhere', number: '702', status: 'queued' }));
      const advanced = await staffPost(hub, '/api/staff/orders/undo-elsewhere/advance', cookie);
      expect(advanced.json.data!.order.status).toBe('in_production');
      const undone = await staffPost(other, '/api/staff/undo', cookie, { undo: advanced.json.data!.undo });
      expect(undone).toMatchObject({ status: 200, json: { data: { order: { status: 'queued' } } } });
      expect((await hub.board.order('undo-elsewhere'))?.status).toBe('queued');
    } finally {
      await other.close();
    }
  });
});

describe('staff undo across a restart (embedded)', () => {
  it('takes an action back after the hub restarted, within its window', async () => {
    const dataDir = tempDir();
    const first = await startTestHub({ DATA_DIR: dataDir });
    let second: Hub | undefined;
    try {
      const { cookie } = await login(first, TEST_PIN, 'Bea');
      await post(`${first.url}/api/orders`, order({ id: 'undo-restart', number: '701', status: 'queued' }));
      const advanced = await staffPost(first, '/api/staff/orders/undo-restart/advance', cookie);
      expect(advanced.json.data!.order.status).toBe('in_production');
      await first.close();
      second = await startTestHub({ DATA_DIR: dataDir });
      const undone = await staffPost(second, '/api/staff/undo', cookie, { undo: advanced.json.data!.undo });
      expect(undone).toMatchObject({ status: 200, json: { data: { order: { status: 'queued' } } } });
      expect((await second.board.order('undo-restart'))?.status).toBe('queued');
      // Taken back once: the same Undo again is over.
      expect(await staffPost(second, '/api/staff/undo', cookie, { undo: advanced.json.data!.undo })).toMatchObject({ status: 410 });
    } finally {
      await first.close();
      await second?.close();
    }
  });
});

/** When the hub says an order is due, as the phone tracker reads it (null while it has none). */
async function dueOf(hub: Hub, number: string): Promise<number | null> {
  const res = await fetch(`${hub.url}/api/track/${number}`);
  return ((await res.json()) as { data?: { dueAt: number | null } }).data?.dueAt ?? null;
}

describe('when an order without a promise is due, kept with the store', () => {
  it('keeps a late order late, due when it was, after the hub restarted', async () => {
    const dataDir = tempDir();
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(config, JSON.stringify({ promiseMinutes: 0.01 }));
    const first = await startTestHub({ DATA_DIR: dataDir, CONFIG: config });
    let second: Hub | undefined;
    try {
      const { cookie } = await login(first, TEST_PIN, 'Cai');
      await post(`${first.url}/api/orders`, order({ id: 'due-restart', number: '811', status: 'in_production' }));
      const before = await consoleState(first, cookie, (s) => s.late.some((l) => l.id === 'due-restart'));
      const dueAt = before.dueAt['due-restart']!;
      await first.close();
      second = await startTestHub({ DATA_DIR: dataDir, CONFIG: config });
      // Without the kept time the second hub would count the promise from its own start, and the order would be on time.
      const after = await consoleState(second, cookie, (s) => s.dueAt['due-restart'] === dueAt);
      expect(after.late).toContainEqual({ id: 'due-restart', number: '811', dueAt });
      expect(await dueOf(second, '811')).toBe(dueAt);
    } finally {
      await first.close();
      await second?.close();
    }
  });

  it('keeps a late order late, due when it was, when its cancel is taken back', async () => {
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(config, JSON.stringify({ promiseMinutes: 0.01 }));
    const hub = await startTestHub({ CONFIG: config });
    try {
      const { cookie } = await login(hub, TEST_PIN, 'Eli');
      await post(`${hub.url}/api/orders`, order({ id: 'due-undo', number: '831', status: 'queued' }));
      const before = await consoleState(hub, cookie, (s) => s.late.some((l) => l.id === 'due-undo'));
      const cancelled = await staffPost(hub, '/api/staff/orders/due-undo/cancel', cookie, { from: 'queued' });
      expect(cancelled.json.data!.order.status).toBe('cancelled');
      await consoleState(hub, cookie, (s) => s.finished.some((o) => o.id === 'due-undo'));
      expect(await staffPost(hub, '/api/staff/undo', cookie, { undo: cancelled.json.data!.undo })).toMatchObject({ status: 200 });
      const after = await consoleState(hub, cookie, (s) => s.late.some((l) => l.id === 'due-undo'));
      expect(after.dueAt['due-undo']).toBe(before.dueAt['due-undo']);
    } finally {
      await hub.close();
    }
  });

  it('keeps the Recall list, newest first, through a restart of the hub, and recalls from it', async () => {
    const dataDir = tempDir();
    const first = await startTestHub({ DATA_DIR: dataDir });
    let second: Hub | undefined;
    try {
      const { cookie } = await login(first, TEST_PIN, 'Dee');
      const orders = ['fin-a', 'fin-b', 'fin-c'].map((id, i) => order({ id, number: String(821 + i), status: 'ready' }));
      for (const o of orders) await post(`${first.url}/api/orders`, o);
      // Taken off one after the other: picked up, cancelled, picked up.
      for (const [i, status] of (['picked_up', 'cancelled', 'picked_up'] as const).entries())
        await post(`${first.url}/api/orders`, { ...orders[i]!, status, updatedAt: orders[i]!.updatedAt + 1 });
      const before = await consoleState(first, cookie, (s) => s.finished.length === 3);
      expect(before.finished.map((o) => o.id)).toEqual(['fin-c', 'fin-b', 'fin-a']);
      await first.close();
      second = await startTestHub({ DATA_DIR: dataDir });
      const after = await consoleState(second, cookie, (s) => s.finished.length === 3);
      expect(after.finished).toEqual(before.finished);
      expect(await staffPost(second, '/api/staff/orders/fin-a/recall', cookie)).toMatchObject({ status: 200, json: { data: { order: { status: 'ready' } } } });
      const recalled = await consoleState(second, cookie, (s) => s.finished.length === 2);
      expect(recalled.finished.map((o) => o.id)).toEqual(['fin-c', 'fin-b']);
    } finally {
      await first.close();
      await second?.close();
    }
  });

  it('gives every hub of a Redis store the same due time: the first hub to see the order fixes it', async () => {
    const redis = await TestRedis.start();
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(config, JSON.stringify({ promiseMinutes: 30 }));
    const first = await startTestHub({ REDIS_URL: redis.url, CONFIG: config });
    let second: Hub | undefined;
    try {
      const placed = order({ id: 'due-shared', number: '812', status: 'queued' });
      await post(`${first.url}/api/orders`, placed);
      await eventually(async () => expect(await dueOf(first, '812')).not.toBeNull());
      const dueAt = (await dueOf(first, '812'))!;
      // Started after the first hub saw the order: its own first sight is later.
      second = await startTestHub({ REDIS_URL: redis.url, CONFIG: config });
      await eventually(async () => expect(await dueOf(second!, '812')).toBe(dueAt));
      // Kept with a time to live: a key whose order left while no hub listened does not stay for ever.
      const client = redis.client();
      try {
        const ttl = await client.pttl('batchboard:orders:arrived:due-shared');
        expect(ttl).toBeGreaterThan(7 * 24 * 3600_000);
        expect(ttl).toBeLessThanOrEqual(ARRIVAL_KEPT_MS);
      } finally {
        client.disconnect();
      }
    } finally {
      await first.close();
      await second?.close();
      await redis.destroy();
    }
  });
});
