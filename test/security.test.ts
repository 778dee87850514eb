import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import type { StaffClientToServerEvents, StaffServerToClientEvents } from '../shared/events.js';
import { BOARD_NAMESPACE, KIOSK_NAMESPACE, STAFF_NAMESPACE } from '../shared/protocol.js';
import { FakeObs } from './helpers/fake-obs.js';
import { order } from './helpers/fixtures.js';
import { post, spawnHub, startTestHub, tempDir, type SpawnedHub } from './helpers/hub.js';
import { closeScreens, connectScreens, eventually } from './helpers/screens.js';

const JSON_BODY = { 'content-type': 'application/json' };

/** Every socket.io namespace the hub serves, and who may use it. A new one must be added here, with its check. */
const NAMESPACES: Record<string, 'public-read-only' | 'staff' | 'unused'> = {
  '/': 'unused',
  [BOARD_NAMESPACE]: 'public-read-only',
  [KIOSK_NAMESPACE]: 'public-read-only',
  [STAFF_NAMESPACE]: 'staff',
};

function tryConnect(url: string, nsp: string, cookie?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(`${url}${nsp}`, { transports: ['websocket'], reconnection: false, ...(cookie ? { extraHeaders: { cookie } } : {}) });
    const done = (v: string) => {
      socket.close();
      resolve(v);
    };
    socket.on('connect', () => done('connected'));
    socket.on('connect_error', (err) => done(err.message));
  });
}

describe('socket.io: who may connect, and floods', () => {
  let hub: Hub;
  /** Staff sessions expire by this clock: a test pins it, so nothing has to happen within real seconds of a login. */
  let pinned: number | undefined;
  const SESSION_MS = 3600_000;
  beforeAll(async () => {
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(config, JSON.stringify({ staff: { sessionHours: SESSION_MS / 3600_000 } }));
    hub = await startTestHub({ CONFIG: config }, { now: () => pinned ?? Date.now() });
  });
  afterAll(() => hub?.close());

  it('serves only the namespaces it declares, and refuses the staff one without a session', async () => {
    const served = [...(hub.io as unknown as { _nsps: Map<string, unknown> })._nsps.keys()].sort();
    expect(served).toEqual(Object.keys(NAMESPACES).sort());
    for (const [nsp, kind] of Object.entries(NAMESPACES)) {
      const anonymous = await tryConnect(hub.url, nsp);
      if (kind === 'staff') expect(anonymous, nsp).toMatch(/unauthorized/);
      else expect(anonymous, nsp).toBe('connected');
    }
  });

  it('ends a staff session when it expires, on the API and on the console socket', async () => {
    const loggedInAt = (pinned = Date.now());
    const login = await fetch(`${hub.url}/api/staff/login`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ pin: '246810' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const socket: Socket<StaffServerToClientEvents, StaffClientToServerEvents> = connect(`${hub.url}${STAFF_NAMESPACE}`, {
      transports: ['websocket'],
      extraHeaders: { cookie },
      reconnection: false,
    });
    const session = () => fetch(`${hub.url}/api/staff/session`, { headers: { cookie } }).then((r) => r.status);
    try {
      const ended = new Promise<void>((resolve) => socket.on('ended', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', resolve);
        socket.on('connect_error', reject);
      });
      expect(await session()).toBe(200);
      // A millisecond before the session's end it still holds; at its end, it is over everywhere.
      pinned = loggedInAt + SESSION_MS - 1;
      expect(await session()).toBe(200);
      expect(socket.connected).toBe(true);
      pinned = loggedInAt + SESSION_MS;
      expect(await session()).toBe(401);
      // The console socket learns it at its next refresh (every 5 s).
      await ended;
      expect(await tryConnect(hub.url, STAFF_NAMESPACE, cookie)).toMatch(/unauthorized/);
    } finally {
      socket.close();
      pinned = undefined;
    }
  }, 30_000);

  it('disconnects a client that floods the hub with events, while the other screens keep getting the board', async () => {
    const screens = await connectScreens(hub.url, 3);
    const flooder = connect(`${hub.url}${BOARD_NAMESPACE}`, { transports: ['websocket'], reconnection: false });
    try {
      await new Promise<void>((r) => flooder.on('connect', () => r()));
      const dropped = new Promise<string>((r) => flooder.on('disconnect', (reason) => r(reason)));
      for (let i = 0; i < 2_000; i++) flooder.emit('sync');
      expect(await dropped).toBe('io server disconnect');
      const o = order();
      await post(`${hub.url}/api/orders`, o);
      await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.has(o.id))).toBe(true));
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(metrics).toMatch(/batchboard_rejected_total\{door="socket",reason="flood:board"\} 1/);
    } finally {
      flooder.close();
      closeScreens(screens);
    }
  });
});

describe('secrets', () => {
  const SECRETS = { API_TOKEN: 'sekrit-api-token-4f9d2c7a1b', STAFF_PIN: '918273', OBS_PASSWORD: 'obs-pass-77e1c0' };
  let fake: FakeObs;
  let hub: SpawnedHub;
  beforeAll(async () => {
    fake = await FakeObs.start();
    hub = await spawnHub({ ...SECRETS, OBS_URL: fake.url, LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    await hub?.kill();
    await fake?.close();
  });

  it('never appear in the log, in /metrics, or in anything a browser gets', async () => {
    const auth = { authorization: `Bearer ${SECRETS.API_TOKEN}` };
    const seen: string[] = [];
    const get = async (route: string, headers: Record<string, string> = {}) =>
      seen.push(`${route}: ${await (await fetch(`${hub.url}${route}`, { headers })).text()}`);
    await fetch(`${hub.url}/api/staff/login`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ pin: '000000' }) });
    const login = await fetch(`${hub.url}/api/staff/login`, {
      method: 'POST',
      headers: JSON_BODY,
      body: JSON.stringify({ pin: SECRETS.STAFF_PIN, name: 'Ana' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    await post(`${hub.url}/api/orders`, order(), SECRETS.API_TOKEN);
    await post(`${hub.url}/api/orders`, order(), 'wrong-token-wrong-token');
    await fetch(`${hub.url}/api/orders`, { method: 'POST', headers: { authorization: `Bearer ${SECRETS.API_TOKEN}x`, ...JSON_BODY }, body: '{' });
    for (const route of ['/metrics', '/api/board', '/api/kiosk', '/display', '/kiosk', '/staff', '/healthz', '/readyz']) await get(route);
    await get('/api/director', auth);
    await get('/api/director/highlights', auth);
    await get('/api/staff/session', { cookie });
    await get('/api/export', auth);
    const [screen] = await connectScreens(hub.url, 1);
    seen.push(JSON.stringify(screen!.feed.mirror.snapshot()));
    closeScreens([screen!]);
    const hello = await new Promise<unknown>((resolve) => {
      const s = connect(`${hub.url}${BOARD_NAMESPACE}`, { transports: ['websocket'] });
      s.on('hello', (h) => {
        s.close();
        resolve(h);
      });
    });
    seen.push(JSON.stringify(hello));
    const assets = path.resolve(import.meta.dirname, '../dist/web/assets');
    for (const f of readdirSync(assets)) seen.push(readFileSync(path.join(assets, f), 'utf8'));
    await hub.kill();
    seen.push(hub.output());
    const everything = seen.join('\n');
    expect(hub.output()).toContain('staff logged in'); // the log did run
    for (const [name, secret] of Object.entries(SECRETS)) expect(everything.includes(secret), name).toBe(false);
  }, 30_000);
});
