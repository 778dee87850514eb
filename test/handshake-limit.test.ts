import type { IncomingMessage } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { HandshakeLimiter } from '../server/realtime/handshake-limit.js';
import { BOARD_NAMESPACE } from '../shared/protocol.js';
import { startTestHub } from './helpers/hub.js';
import { eventually } from './helpers/screens.js';

/** One Engine.IO polling handshake, as a client behind the hub's (trusted, loopback) proxy at `address`. */
async function pollingHandshake(hub: Hub, address: string): Promise<{ status: number; retryAfter: string | null; body: string }> {
  const res = await fetch(`${hub.url}/socket.io/?EIO=4&transport=polling`, { headers: { 'x-forwarded-for': address } });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

/** A screen on `/board` over WebSocket; resolves true once connected, false on a refused handshake. */
function screenConnects(hub: Hub, address: string | undefined, sockets: Socket[]): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = io(`${hub.url}${BOARD_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 10_000,
      ...(address ? { extraHeaders: { 'x-forwarded-for': address } } : {}),
    });
    sockets.push(socket);
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  });
}

function count<T>(values: T[], value: T): number {
  return values.filter((v) => v === value).length;
}

describe('per-client limits on socket.io handshakes', () => {
  let hub: Hub;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await hub?.close();
  });

  it('refuses a burst of polling handshakes from one address beyond the limit with 429, holding at most 120 sessions for it, while other clients connect', async () => {
    const burst = await Promise.all(Array.from({ length: 300 }, () => pollingHandshake(hub, '10.0.0.7')));
    const statuses = burst.map((r) => r.status);
    expect([count(statuses, 200), count(statuses, 429)]).toEqual([120, 180]);
    const refused = burst.find((r) => r.status === 429)!;
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(refused.body)).toMatchObject({
      ok: false,
      error: { code: 'too_many_handshakes', params: { retryAfterSeconds: Number(refused.retryAfter) } },
    });
    // Each accepted polling handshake holds a session until its ping times out: 120, not 300.
    expect(hub.io.engine.clientsCount).toBe(120);
    // The same client is refused over WebSocket too.
    expect(await screenConnects(hub, '10.0.0.7', sockets)).toBe(false);

    // Another address, and a reconnect storm of 200 screens each on its own address, all at once: none refused.
    expect(await screenConnects(hub, '10.0.0.8', sockets)).toBe(true);
    const storm = await Promise.all(Array.from({ length: 200 }, (_, i) => screenConnects(hub, `10.1.${i >> 8}.${i & 255}`, sockets)));
    expect(count(storm, true)).toBe(200);
    // The hub's own machine (tools, OBS, the bench) is not limited.
    const local = await Promise.all(Array.from({ length: 150 }, () => screenConnects(hub, undefined, sockets)));
    expect(count(local, true)).toBe(150);

    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    const refusals = (reason: string) => Number(new RegExp(`^batchboard_handshakes_refused_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(metrics)?.[1]);
    // Its 120 sessions are still open: refused as too many open (and, were they closed, as too many new).
    expect(refusals('open') + refusals('rate')).toBe(181);
  });

  it('counts an IPv6 client by its /64', async () => {
    const same = await Promise.all(Array.from({ length: 121 }, (_, i) => pollingHandshake(hub, `2001:db8:0:1::${(i + 1).toString(16)}`)));
    expect([
      count(
        same.map((r) => r.status),
        200,
      ),
      count(
        same.map((r) => r.status),
        429,
      ),
    ]).toEqual([120, 1]);
    expect((await pollingHandshake(hub, '2001:db8:0:2::1')).status).toBe(200);
  });

  it('lets a client open sessions again as its old ones close', async () => {
    const first = await Promise.all(Array.from({ length: 120 }, () => screenConnects(hub, '10.0.0.9', sockets)));
    expect(count(first, true)).toBe(120);
    const mine = sockets.slice(-120);
    expect(await screenConnects(hub, '10.0.0.9', sockets)).toBe(false);
    for (const s of mine) s.close();
    // Two handshakes a second come back to the bucket, and the closed sessions make room.
    await eventually(async () => expect(await screenConnects(hub, '10.0.0.9', sockets)).toBe(true), 5_000);
  });
});

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress },
    connection: { remoteAddress },
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  } as unknown as IncomingMessage;
}

describe('the handshake limiter', () => {
  it('keys a client by the address a trusted proxy forwards, never by one an untrusted client claims', () => {
    const behindLoopback = new HandshakeLimiter(['loopback']);
    expect(behindLoopback.clientOf(request('192.168.1.5', '10.0.0.1'))).toBe('192.168.1.5');
    expect(behindLoopback.clientOf(request('127.0.0.1', '10.0.0.1'))).toBe('10.0.0.1');
    expect(behindLoopback.clientOf(request('::ffff:192.168.1.5'))).toBe('192.168.1.5');
    expect(behindLoopback.clientOf(request('2001:db8:0:1::5'))).toBe('2001:db8:0:1::/64');
    // The hub's own machine, with nothing forwarded: not limited.
    expect(behindLoopback.clientOf(request('127.0.0.1'))).toBeUndefined();
    const lanProxy = new HandshakeLimiter(['10.9.9.9']);
    expect(lanProxy.clientOf(request('10.9.9.9', '172.16.0.4'))).toBe('172.16.0.4');
    expect(lanProxy.clientOf(request('127.0.0.1', '172.16.0.4'))).toBeUndefined();
  });

  it('refills two handshakes a second and caps the sessions open at once', () => {
    let now = 0;
    const limiter = new HandshakeLimiter(['loopback'], { burst: 120, perSecond: 2, open: 120 }, () => now);
    for (let i = 0; i < 120; i++) expect(limiter.take('10.0.0.1').ok).toBe(true);
    expect(limiter.take('10.0.0.1')).toEqual({ ok: false, reason: 'rate', retryAfterS: 1 });
    now += 500;
    expect(limiter.take('10.0.0.1').ok).toBe(true);
    for (let i = 0; i < 120; i++) limiter.opened('10.0.0.1');
    now += 60_000;
    expect(limiter.take('10.0.0.1')).toMatchObject({ ok: false, reason: 'open' });
    limiter.closed('10.0.0.1');
    expect(limiter.take('10.0.0.1').ok).toBe(true);
  });
});
