import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { Hub } from '../server/hub.js';
import { order } from './helpers/fixtures.js';
import { post, startTestHub, tempDir } from './helpers/hub.js';
import { closeScreens, connectScreens, eventually } from './helpers/screens.js';

describe('the HTTP surface', () => {
  let hub: Hub;
  beforeAll(async () => {
    const dir = tempDir();
    const config = path.join(dir, 'store.json');
    writeFileSync(config, JSON.stringify({ storeName: 'Test Pop-Up', readyTimeoutMinutes: 0.005, allowedOrigins: ['https://signage.example.com'] }));
    hub = await startTestHub({ CONFIG: config });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${hub.url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, store: 'up', storeKind: 'embedded', board: 'loaded' });
  });

  it('exposes Prometheus metrics: screens, events in by door, rejections by reason, fan-out latency, seq', async () => {
    const [screen] = await connectScreens(hub.url, 1);
    await post(`${hub.url}/api/orders`, order());
    await post(`${hub.url}/api/orders`, { nope: true });
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    expect(text).toMatch(/^batchboard_screens_connected 1$/m);
    expect(text).toMatch(/^batchboard_events_in_total\{door="rest",kind="order"\} \d+$/m);
    expect(text).toMatch(/^batchboard_rejected_total\{door="rest",reason="invalid_order:id"\} 1$/m);
    expect(text).toMatch(/^batchboard_fanout_latency_seconds_count \d+$/m);
    expect(text).toMatch(/^batchboard_seq \d+$/m);
    closeScreens([screen!]);
  });

  it('sends security headers and JSON for unknown routes', async () => {
    const res = await fetch(`${hub.url}/api/nothing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('serves the display and kiosk pages', async () => {
    for (const page of ['/display', '/kiosk']) {
      const res = await fetch(`${hub.url}${page}`);
      expect(res.status, page).toBe(200);
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  it('lets socket.io in only from its own origin or a configured one', async () => {
    const attempt = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = io(`${hub.url}/board`, { transports: ['polling'], extraHeaders: { origin }, reconnection: false });
        socket.on('connect', () => resolve('connected'));
        socket.on('connect_error', () => resolve('refused'));
      }).finally(() => undefined);
    expect(await attempt('https://evil.example.net')).toBe('refused');
    expect(await attempt('https://signage.example.com')).toBe('connected');
    expect(await attempt(hub.url)).toBe('connected');
  });

  it('takes a ready order off the board after the configured time-out, announcing it as removed', async () => {
    const [screen] = await connectScreens(hub.url, 1);
    const ready = order({ status: 'ready', updatedAt: Date.now() });
    await post(`${hub.url}/api/orders`, ready);
    // The time-out is 300 ms: on a slow machine the add and the removal may reach the screen in one
    // frame, so the screen's history is checked, not a moment when the order was on it.
    const seen = () => screen!.events.filter((e) => e.name === 'order' && e.id === ready.id);
    await eventually(() => expect(seen().at(-1)?.removed).toBe(true), 10_000);
    expect(seen()).toEqual([expect.objectContaining({ status: 'ready' }), expect.objectContaining({ status: 'ready', removed: true })]);
    expect(seen()[0]!.removed).toBeUndefined();
    expect(seen()[0]!.seq).toBeLessThan(seen()[1]!.seq);
    expect(screen!.feed.mirror.orders.has(ready.id)).toBe(false);
    const board = (await (await fetch(`${hub.url}/api/board`)).json()) as { orders: { id: string }[] };
    expect(board.orders.map((o) => o.id)).not.toContain(ready.id);
    closeScreens([screen!]);
  });
});
