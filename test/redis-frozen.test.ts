import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { order } from './helpers/fixtures.js';
import { TEST_PIN, TEST_TOKEN, post, startTestHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
/** Every command a request waits on times out after 2 s; the answer must come soon after, not when Redis wakes. */
const ANSWER_WITHIN_MS = 4_000;

describe('Redis frozen (SIGSTOP) for 10 s', () => {
  let redis: TestRedis;
  let hub: Hub;

  beforeAll(async () => {
    redis = await TestRedis.start();
    hub = await startTestHub({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    redis?.thaw();
    await hub?.close();
    await redis?.destroy();
  });

  it('answers 503 store_unavailable on every route that needs Redis, within its timeout, and works again after', async () => {
    const o = order({ updatedAt: Date.now() });
    expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);
    const login = await fetch(`${hub.url}/api/staff/login`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ pin: TEST_PIN, name: 'Ana' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const staff = { cookie, 'x-batchboard-staff': '1', ...JSON_HEADERS };
    const token = { authorization: `Bearer ${TEST_TOKEN}` };

    const routes: [string, () => Promise<Response>][] = [
      [
        'REST order',
        () =>
          fetch(`${hub.url}/api/orders`, {
            method: 'POST',
            headers: { ...token, ...JSON_HEADERS },
            body: JSON.stringify({ ...o, status: 'ready', updatedAt: Date.now() }),
          }),
      ],
      [
        'kiosk order',
        () =>
          fetch(`${hub.url}/api/kiosk/orders`, {
            method: 'POST',
            headers: JSON_HEADERS,
            body: JSON.stringify({ key: 'frozen-redis-key-0001', sku: 'cardamom-bun', variant: 'classic', qty: 1 }),
          }),
      ],
      ['staff login', () => fetch(`${hub.url}/api/staff/login`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ pin: TEST_PIN }) })],
      ['staff session', () => fetch(`${hub.url}/api/staff/session`, { headers: { cookie } })],
      ['staff advance', () => fetch(`${hub.url}/api/staff/orders/${o.id}/advance`, { method: 'POST', headers: staff })],
      ['screens', () => fetch(`${hub.url}/api/screens`, { headers: token })],
      ['export', () => fetch(`${hub.url}/api/export?format=csv`, { headers: token })],
      ['readyz', () => fetch(`${hub.url}/readyz`)],
    ];

    redis.freeze();
    const answers: Record<string, { status: number; ms: number; code?: string }> = {};
    await Promise.all(
      routes.map(async ([name, call]) => {
        const started = Date.now();
        const answer = async () => {
          const res = await call();
          const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
          return { status: res.status, ms: Date.now() - started, ...(body.error?.code ? { code: body.error.code } : {}) };
        };
        // Bounded: a route that waits for Redis to wake would otherwise hold the test until it does.
        const timedOut = new Promise<{ status: number; ms: number }>((r) => setTimeout(() => r({ status: 0, ms: Date.now() - started }), 8_000));
        answers[name] = await Promise.race([answer(), timedOut]);
      }),
    );
    redis.thaw();
    for (const [name] of routes) {
      expect(answers[name]!.status, `${name}: ${JSON.stringify(answers[name])}`).toBe(503);
      expect(answers[name]!.ms, `${name}: ${JSON.stringify(answers[name])}`).toBeLessThan(ANSWER_WITHIN_MS);
      if (name !== 'readyz') expect(answers[name]!.code, name).toBe('store_unavailable');
    }

    // And everything works again, the staff session included: a freeze logs nobody out.
    await expect.poll(async () => (await fetch(`${hub.url}/readyz`)).status, { timeout: 10_000 }).toBe(200);
    expect((await fetch(`${hub.url}/api/staff/session`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${hub.url}/api/staff/orders/${o.id}/advance`, { method: 'POST', headers: staff })).status).toBe(200);
  }, 60_000);
});
