import { createHmac, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { errorStatus } from '../server/http/error-status.js';
import { ApiErrorBody, ERROR_CODES, isErrorCode, type ErrorCode } from '../shared/errors.js';
import { BOARD_NAMESPACE, STAFF_NAMESPACE } from '../shared/protocol.js';
import { STAFF_CSRF_HEADER } from '../shared/protocol.js';
import { FakeObs } from './helpers/fake-obs.js';
import { order } from './helpers/fixtures.js';
import { TEST_PIN, TEST_TOKEN, startTestHub, tempDir } from './helpers/hub.js';
import { listRoutes } from './helpers/routes.js';
import { eventually } from './helpers/screens.js';

/** One request that must be refused: the route it targets (as the app lists it), and the code it must answer. */
interface Provocation {
  route: string;
  what: string;
  code: ErrorCode;
  send: () => Promise<Response>;
}

/** Routes that answer no error once the hub is up: each with why, so a new route cannot hide here unremarked. */
const NO_ERROR: Record<string, string> = {
  'GET /api/board': 'public; not_ready only while the board loads at start',
  'GET /api/kiosk': 'public; the menu is always there',
};

/** Codes this test does not provoke, each with where it is shown instead. */
const NOT_PROVOKED: Partial<Record<ErrorCode, string>> = {
  store_unavailable: 'needs the store away: test/redis-outage.test.ts, test/kiosk.test.ts',
  store_refused: 'needs Redis to refuse a write: test/hostile-input.test.ts (poison)',
  not_ready: 'only before the board has loaded',
  internal: 'only on a bug',
};

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
const HOOK_SECRET = 'hook-secret-0123456789';

/** A delivery to the test's webhook source, signed as its scheme wants (`<timestamp>.<body>`, hex). */
function signedHook(body: string, at = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'x-at': String(at), 'x-sig': createHmac('sha256', HOOK_SECRET).update(`${at}.${body}`).digest('hex'), ...JSON_TYPE };
}
const JSON_TYPE = { 'content-type': 'application/json' };

function storeConfig(): string {
  const file = path.join(tempDir(), 'store.json');
  const catalogue = [
    { sku: 'bun', name: 'Cardamom bun', variants: [{ id: 'classic', name: 'Classic' }], runSize: 4, runQuantity: 1000 },
    { sku: 'roll', name: 'Cinnamon roll', runSize: 6, runQuantity: 1000 },
    { sku: 'knot', name: 'Knot', runSize: 2, runQuantity: 2 },
  ];
  // Small limits, so each refusal takes a request or two: 5 of a bun a device (never less than a batch of 4), 9 items a minute.
  const kiosk = { ordersPerMinute: 3, itemsPerMinute: 9, maxShareOfRun: 0.005 };
  // The replay buffer left to the operator (here: the fake OBS's setReplayBuffer).
  const director = { defaultScene: 'Board', minDwellSeconds: 0, replayBuffer: 'off' };
  // One webhook source, signed with a timestamp, whose mapping fails on a payload without `id`.
  const till = { scheme: 'hmac-sha256', secret: HOOK_SECRET, header: 'x-sig', timestampHeader: 'x-at', mapping: `id ? { 'id': id } : $error('no id')` };
  const webhooks = { till };
  writeFileSync(file, JSON.stringify({ catalogue, kiosk, director, board: { maxActiveOrders: 10 }, staff: { maxFailures: 3 }, webhooks }));
  return file;
}

describe('every error answer of the API', () => {
  let fake: FakeObs;
  let hub: Hub;
  let bare: Hub;
  let address = 0;
  /** Each client its own address (the hub trusts its loopback proxy), so one provocation's limit never meets another's. */
  const client = () => ({ 'x-forwarded-for': `198.51.100.${++address}` });

  beforeAll(async () => {
    fake = await FakeObs.start();
    [hub, bare] = await Promise.all([startTestHub({ OBS_URL: fake.url, CONFIG: storeConfig() }, { obsCallTimeoutMs: 300 }), startTestHub()]);
  });
  afterAll(async () => {
    await Promise.all([hub?.close(), bare?.close()]);
    await fake?.close();
  });

  const call = (base: () => string, method: string, route: string, opts: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${base()}${route}`, {
      method,
      headers: { ...(opts.body !== undefined ? JSON_TYPE : {}), ...opts.headers },
      ...(opts.raw !== undefined ? { body: opts.raw } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
  const at = (method: string, route: string, opts: Parameters<typeof call>[3] = {}) => call(() => hub.url, method, route, opts);
  const atBare = (method: string, route: string, opts: Parameters<typeof call>[3] = {}) => call(() => bare.url, method, route, opts);
  const kiosk = (body: Record<string, unknown>, from = client()) => at('POST', '/api/kiosk/orders', { body: { key: randomUUID(), ...body }, headers: from });

  it('answers each with a code of the shared type, its exact params, and the status of the one table', async () => {
    const login = await at('POST', '/api/staff/login', { body: { pin: TEST_PIN } });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const staff = { cookie, [STAFF_CSRF_HEADER]: '1' };
    const queued = order({ status: 'queued' });
    expect((await at('POST', '/api/orders', { body: queued, headers: AUTH })).status).toBe(200);
    await eventually(async () => expect(await (await at('GET', '/api/director', { headers: AUTH })).json()).toMatchObject({ data: { obs: 'connected' } }));

    const pinFrom = client();
    const limitedFrom = client();
    const shareFrom = client();
    const itemsFrom = client();
    const provocations: Provocation[] = [
      // The REST door.
      { route: 'POST /api/orders', what: 'no token', code: 'unauthorized', send: () => at('POST', '/api/orders', { body: order() }) },
      {
        route: 'POST /api/orders',
        what: 'broken JSON',
        code: 'invalid_json',
        send: () => at('POST', '/api/orders', { raw: '{"id":', headers: { ...AUTH, ...JSON_TYPE } }),
      },
      { route: 'POST /api/orders', what: 'a bad order', code: 'invalid_input', send: () => at('POST', '/api/orders', { body: { id: '' }, headers: AUTH }) },
      {
        route: 'POST /api/orders',
        what: 'an order from the far future',
        code: 'invalid_input',
        send: () => at('POST', '/api/orders', { body: order({ updatedAt: Date.now() + 7 * 86_400_000 }), headers: AUTH }),
      },
      {
        route: 'POST /api/orders',
        what: 'a body over 16 KB (413)',
        code: 'too_large',
        send: () => at('POST', '/api/orders', { body: { pad: 'x'.repeat(20_000) }, headers: AUTH }),
      },
      {
        route: 'POST /api/orders',
        what: 'a text/plain body (415)',
        code: 'not_json',
        send: () => at('POST', '/api/orders', { raw: JSON.stringify(order()), headers: { ...AUTH, 'content-type': 'text/plain' } }),
      },
      {
        route: 'POST /api/orders',
        what: 'a charset other than UTF-8 (415)',
        code: 'not_json',
        send: () => at('POST', '/api/orders', { raw: JSON.stringify(order()), headers: { ...AUTH, 'content-type': 'application/json; charset=latin1' } }),
      },
      {
        route: 'POST /api/machines',
        what: 'a bad machine',
        code: 'invalid_input',
        send: () => at('POST', '/api/machines', { body: { id: 'm', state: 'lost' }, headers: AUTH }),
      },
      { route: 'POST /api/machines', what: 'no token', code: 'unauthorized', send: () => at('POST', '/api/machines', { body: {} }) },
      {
        route: 'POST /api/footfall',
        what: 'a count below zero',
        code: 'invalid_input',
        send: () => at('POST', '/api/footfall', { body: { sensor: 'door-1', in: -1, out: 0, at: Date.now() }, headers: AUTH }),
      },
      { route: 'POST /api/footfall', what: 'no token', code: 'unauthorized', send: () => at('POST', '/api/footfall', { body: {} }) },
      {
        route: 'POST /api/social',
        what: 'a report without its post',
        code: 'invalid_input',
        send: () => at('POST', '/api/social', { body: { views: 3 }, headers: AUTH }),
      },
      { route: 'POST /api/social', what: 'no token', code: 'unauthorized', send: () => at('POST', '/api/social', { body: {} }) },
      { route: 'GET /api/board', what: 'a wrong method', code: 'not_found', send: () => at('POST', '/api/board', { body: {} }) },
      { route: 'GET /api/kiosk', what: 'a wrong method', code: 'not_found', send: () => at('PUT', '/api/kiosk', { body: {} }) },
      { route: '(none)', what: 'no such route', code: 'not_found', send: () => at('GET', '/api/nothing-here') },
      { route: '(none)', what: 'a webhook source not configured', code: 'not_found', send: () => at('POST', '/api/hooks/nobody', { body: {} }) },

      // The webhook door.
      { route: 'POST /api/hooks/till', what: 'no signature', code: 'bad_signature', send: () => at('POST', '/api/hooks/till', { body: { id: 'h1' } }) },
      {
        route: 'POST /api/hooks/till',
        what: 'a timestamp of yesterday',
        code: 'stale_timestamp',
        send: () => at('POST', '/api/hooks/till', { raw: '{"id":"h1"}', headers: signedHook('{"id":"h1"}', Math.floor(Date.now() / 1000) - 86_400) }),
      },
      {
        route: 'POST /api/hooks/till',
        what: 'signed broken JSON',
        code: 'invalid_json',
        send: () => at('POST', '/api/hooks/till', { raw: '{', headers: signedHook('{') }),
      },
      {
        route: 'POST /api/hooks/till',
        what: 'a mapping that fails',
        code: 'mapping_failed',
        send: () => at('POST', '/api/hooks/till', { raw: '{}', headers: signedHook('{}') }),
      },
      {
        route: 'POST /api/hooks/till',
        what: 'a mapping that gives no order',
        code: 'invalid_input',
        send: () => at('POST', '/api/hooks/till', { raw: '{"id":"h2"}', headers: signedHook('{"id":"h2"}') }),
      },
      {
        route: 'POST /api/hooks/till',
        what: 'a body over 1 MB (413)',
        code: 'too_large',
        send: () => at('POST', '/api/hooks/till', { raw: 'x'.repeat(1024 * 1024 + 1), headers: signedHook('') }),
      },

      // The kiosk: bad orders, limits, sold out.
      {
        route: 'POST /api/kiosk/orders',
        what: 'no key',
        code: 'invalid_input',
        send: () => at('POST', '/api/kiosk/orders', { body: { sku: 'bun', qty: 1 }, headers: client() }),
      },
      { route: 'POST /api/kiosk/orders', what: 'a product not on the menu', code: 'invalid_input', send: () => kiosk({ sku: 'pie', qty: 1 }) },
      { route: 'POST /api/kiosk/orders', what: 'no variant', code: 'invalid_input', send: () => kiosk({ sku: 'bun', qty: 1 }) },
      { route: 'POST /api/kiosk/orders', what: 'a wrong variant', code: 'invalid_input', send: () => kiosk({ sku: 'bun', variant: 'vegan', qty: 1 }) },
      { route: 'POST /api/kiosk/orders', what: 'more than a batch', code: 'invalid_input', send: () => kiosk({ sku: 'roll', qty: 7 }) },
      {
        route: 'POST /api/kiosk/orders',
        what: 'broken JSON',
        code: 'invalid_json',
        send: () => at('POST', '/api/kiosk/orders', { raw: '{', headers: { ...client(), ...JSON_TYPE } }),
      },
      {
        route: 'POST /api/kiosk/orders',
        what: 'more than its share of a run',
        code: 'share_limited',
        send: async () => {
          expect((await kiosk({ sku: 'bun', variant: 'classic', qty: 4 }, shareFrom)).status).toBe(201);
          return kiosk({ sku: 'bun', variant: 'classic', qty: 4 }, shareFrom);
        },
      },
      {
        route: 'POST /api/kiosk/orders',
        what: 'more items a minute than allowed',
        code: 'items_limited',
        send: async () => {
          expect((await kiosk({ sku: 'roll', qty: 6 }, itemsFrom)).status).toBe(201);
          return kiosk({ sku: 'bun', variant: 'classic', qty: 4 }, itemsFrom);
        },
      },
      {
        route: 'POST /api/kiosk/orders',
        what: 'sold out',
        code: 'sold_out',
        send: async () => {
          expect((await kiosk({ sku: 'knot', qty: 2 })).status).toBe(201);
          return kiosk({ sku: 'knot', qty: 1 });
        },
      },
      {
        route: 'POST /api/kiosk/orders',
        what: 'more orders a minute than allowed',
        code: 'rate_limited',
        send: async () => {
          for (let i = 0; i < 3; i++) await kiosk({}, limitedFrom);
          return kiosk({}, limitedFrom);
        },
      },
      {
        route: 'POST /api/orders',
        what: 'a new order on a full board',
        code: 'board_full',
        send: async () => {
          for (let i = 0; i < 20; i++) {
            const res = await at('POST', '/api/orders', { body: order(), headers: AUTH });
            if (res.status !== 200) return res;
          }
          throw new Error('the board never filled');
        },
      },
      { route: 'POST /api/kiosk/orders', what: 'a kiosk order on a full board', code: 'board_full', send: () => kiosk({ sku: 'roll', qty: 1 }) },
      { route: 'GET /api/track/:number', what: 'an order not on the board', code: 'unknown_order', send: () => at('GET', '/api/track/NOPE1') },

      // Staff login, session and actions.
      {
        route: 'POST /api/staff/login',
        what: 'a PIN of letters',
        code: 'invalid_input',
        send: () => at('POST', '/api/staff/login', { body: { pin: 'abcd' }, headers: client() }),
      },
      {
        route: 'POST /api/staff/login',
        what: 'a wrong PIN',
        code: 'wrong_pin',
        send: () => at('POST', '/api/staff/login', { body: { pin: '0000' }, headers: pinFrom }),
      },
      {
        route: 'POST /api/staff/login',
        what: 'a second wrong PIN',
        code: 'wrong_pin',
        send: () => at('POST', '/api/staff/login', { body: { pin: '0000' }, headers: pinFrom }),
      },
      {
        route: 'POST /api/staff/login',
        what: 'the wrong PIN that locks',
        code: 'locked',
        send: () => at('POST', '/api/staff/login', { body: { pin: '0000' }, headers: pinFrom }),
      },
      {
        route: 'POST /api/staff/login',
        what: 'the right PIN while locked',
        code: 'locked',
        send: () => at('POST', '/api/staff/login', { body: { pin: TEST_PIN }, headers: pinFrom }),
      },
      {
        route: 'POST /api/staff/login',
        what: 'a burst of logins',
        code: 'rate_limited',
        send: async () => {
          const from = client();
          for (let i = 0; i < 30; i++) await at('POST', '/api/staff/login', { body: {}, headers: from });
          return at('POST', '/api/staff/login', { body: {}, headers: from });
        },
      },
      { route: 'POST /api/staff/logout', what: 'no session', code: 'unauthorized', send: () => at('POST', '/api/staff/logout', { body: {} }) },
      { route: 'GET /api/staff/session', what: 'no session', code: 'unauthorized', send: () => at('GET', '/api/staff/session') },
      {
        route: 'POST /api/staff/orders/:id/:action',
        what: 'no session',
        code: 'unauthorized',
        send: () => at('POST', `/api/staff/orders/${queued.id}/advance`, { body: {} }),
      },
      {
        route: 'POST /api/staff/orders/:id/:action',
        what: 'a cookie without the staff header',
        code: 'csrf',
        send: () => at('POST', `/api/staff/orders/${queued.id}/advance`, { body: {}, headers: { cookie } }),
      },
      {
        route: 'POST /api/staff/orders/:id/:action',
        what: 'no such action',
        code: 'not_found',
        send: () => at('POST', `/api/staff/orders/${queued.id}/fly`, { body: {}, headers: staff }),
      },
      {
        route: 'POST /api/staff/orders/:id/:action',
        what: 'an unknown status',
        code: 'invalid_input',
        send: () => at('POST', `/api/staff/orders/${queued.id}/advance`, { body: { from: 'lost' }, headers: staff }),
      },
      {
        route: 'POST /api/staff/orders/:id/:action',
        what: 'no such order',
        code: 'unknown_order',
        send: () => at('POST', '/api/staff/orders/nobody/advance', { body: {}, headers: staff }),
      },
      {
        route: 'POST /api/staff/orders/:id/:action',
        what: 'a tap on a status the order has left',
        code: 'stale',
        send: () => at('POST', `/api/staff/orders/${queued.id}/advance`, { body: { from: 'ready' }, headers: staff }),
      },
      {
        route: 'POST /api/staff/orders/:id/:action',
        what: 'recalling a queued order',
        code: 'not_allowed',
        send: () => at('POST', `/api/staff/orders/${queued.id}/recall`, { body: {}, headers: staff }),
      },
      {
        route: 'POST /api/staff/undo',
        what: 'a malformed undo id',
        code: 'invalid_input',
        send: () => at('POST', '/api/staff/undo', { body: { undo: '!' }, headers: staff }),
      },
      {
        route: 'POST /api/staff/undo',
        what: 'an undo id that expired',
        code: 'undo_expired',
        send: () => at('POST', '/api/staff/undo', { body: { undo: 'a'.repeat(16) }, headers: staff }),
      },

      // Screens.
      { route: 'GET /api/screens/', what: 'no token', code: 'unauthorized', send: () => at('GET', '/api/screens/') },
      {
        route: 'POST /api/screens/',
        what: 'a bad name',
        code: 'invalid_input',
        send: () => at('POST', '/api/screens/', { body: { name: 'a b' }, headers: AUTH }),
      },
      {
        route: 'DELETE /api/screens/:name',
        what: 'an unknown screen',
        code: 'unknown_screen',
        send: () => at('DELETE', '/api/screens/ghost', { headers: AUTH }),
      },
      {
        route: 'POST /api/screens/:name/reload',
        what: 'an unknown screen',
        code: 'unknown_screen',
        send: () => at('POST', '/api/screens/ghost/reload', { headers: AUTH }),
      },
      {
        route: 'POST /api/screens/',
        what: 'one screen too many',
        code: 'too_many_screens',
        send: async () => {
          for (let i = 0; i < 500; i++) await at('POST', '/api/screens/', { body: { name: `s-${i}` }, headers: AUTH });
          return at('POST', '/api/screens/', { body: { name: 's-one-more' }, headers: AUTH });
        },
      },

      // Production runs.
      { route: 'GET /api/runs/', what: 'no token', code: 'unauthorized', send: () => at('GET', '/api/runs/') },
      {
        route: 'POST /api/runs/',
        what: 'an SKU not on the menu',
        code: 'invalid_input',
        send: () => at('POST', '/api/runs/', { body: { sku: 'croissant', qty: 12 }, headers: AUTH }),
      },
      {
        route: 'POST /api/runs/:id/start',
        what: 'an unknown run',
        code: 'unknown_run',
        send: () => at('POST', '/api/runs/ghost/start', { body: { machine: 'oven-1' }, headers: AUTH }),
      },
      {
        route: 'POST /api/runs/:id/finish',
        what: 'a run not started',
        code: 'run_moved',
        send: async () => {
          await at('POST', '/api/runs/', { body: { id: 'run-e1', sku: 'bun', qty: 4 }, headers: AUTH });
          return at('POST', '/api/runs/run-e1/finish', { body: { produced: 12 }, headers: AUTH });
        },
      },
      {
        route: 'POST /api/runs/:id/cancel',
        what: 'an unknown run',
        code: 'unknown_run',
        send: () => at('POST', '/api/runs/ghost/cancel', { headers: AUTH }),
      },

      // The export.
      { route: 'GET /api/export', what: 'no token', code: 'unauthorized', send: () => at('GET', '/api/export') },
      { route: 'GET /api/export', what: 'an unknown format', code: 'invalid_input', send: () => at('GET', '/api/export?format=xml', { headers: AUTH }) },
      {
        route: 'GET /api/export',
        what: 'an end before its start',
        code: 'invalid_input',
        send: () => at('GET', '/api/export?from=2026-11-25&to=2026-11-24', { headers: AUTH }),
      },

      // The pilot report.
      { route: 'GET /api/report', what: 'no token', code: 'unauthorized', send: () => at('GET', '/api/report') },
      { route: 'GET /api/report', what: 'an unknown format', code: 'invalid_input', send: () => at('GET', '/api/report?format=xml', { headers: AUTH }) },
      {
        route: 'GET /api/report',
        what: 'a range over 400 days',
        code: 'invalid_input',
        send: () => at('GET', '/api/report?from=2025-01-01&to=2026-11-24', { headers: AUTH }),
      },
      {
        route: 'GET /api/report',
        what: 'a comparison without a pilot',
        code: 'invalid_input',
        send: () => at('GET', '/api/report?compare=baseline', { headers: AUTH }),
      },

      // The director: without OBS, then against an OBS that refuses, stays silent, and goes away.
      { route: 'GET /api/director', what: 'no token', code: 'unauthorized', send: () => at('GET', '/api/director') },
      {
        route: 'GET /api/director/log',
        what: 'an unknown format',
        code: 'invalid_input',
        send: () => at('GET', '/api/director/log?format=xml', { headers: AUTH }),
      },
      { route: 'GET /api/director/thumbnail', what: 'no token', code: 'unauthorized', send: () => at('GET', '/api/director/thumbnail') },
      { route: 'GET /api/director/scene-collection', what: 'no token', code: 'unauthorized', send: () => at('GET', '/api/director/scene-collection') },
      {
        route: 'GET /api/director/thumbnail',
        what: 'no OBS',
        code: 'director_disabled',
        send: () => atBare('GET', '/api/director/thumbnail', { headers: AUTH }),
      },
      { route: 'GET /api/director/health', what: 'no token', code: 'unauthorized', send: () => at('GET', '/api/director/health') },
      {
        route: 'GET /api/director/health',
        what: 'no OBS',
        code: 'director_disabled',
        send: () => atBare('GET', '/api/director/health', { headers: AUTH }),
      },
      {
        route: 'POST /api/scene',
        what: 'no OBS',
        code: 'director_disabled',
        send: () => atBare('POST', '/api/scene', { body: { scene: 'Board' }, headers: AUTH }),
      },
      {
        route: 'POST /api/director/mode',
        what: 'no OBS',
        code: 'director_disabled',
        send: () => atBare('POST', '/api/director/mode', { body: { mode: 'auto' }, headers: AUTH }),
      },
      {
        route: 'POST /api/director/mode',
        what: 'an unknown mode',
        code: 'invalid_input',
        send: () => at('POST', '/api/director/mode', { body: { mode: 'party' }, headers: AUTH }),
      },
      { route: 'POST /api/scene', what: 'no scene', code: 'invalid_input', send: () => at('POST', '/api/scene', { body: {}, headers: AUTH }) },
      {
        route: 'POST /api/scene',
        what: 'a scene OBS lacks',
        code: 'unknown_scene',
        send: () => at('POST', '/api/scene', { body: { scene: 'Nope Cam' }, headers: AUTH }),
      },
      {
        route: 'POST /api/scene',
        what: 'OBS refusing the switch',
        code: 'obs_error',
        send: () => {
          fake.refused.add('SetCurrentProgramScene');
          return at('POST', '/api/scene', { body: { scene: 'Oven Cam' }, headers: AUTH });
        },
      },
      {
        route: 'POST /api/scene',
        what: 'OBS not answering',
        code: 'obs_timeout',
        send: () => {
          fake.refused.clear();
          fake.silent.add('SetCurrentProgramScene');
          return at('POST', '/api/scene', { body: { scene: 'Oven Cam' }, headers: AUTH });
        },
      },
      // Highlights: against the fake OBS, whose replay buffer is off until the test starts it, and whose clips land
      // on no disk the hub can read.
      { route: 'GET /api/director/highlights', what: 'no token', code: 'unauthorized', send: () => at('GET', '/api/director/highlights') },
      {
        route: 'GET /api/director/highlights',
        what: 'no OBS',
        code: 'director_disabled',
        send: () => atBare('GET', '/api/director/highlights', { headers: AUTH }),
      },
      {
        route: 'GET /api/director/highlights/:id/thumbnail',
        what: 'an unknown highlight',
        code: 'unknown_highlight',
        send: () => at('GET', '/api/director/highlights/ghost/thumbnail', { headers: AUTH }),
      },
      {
        route: 'POST /api/director/clip',
        what: 'a wait of over a minute',
        code: 'invalid_input',
        send: () => at('POST', '/api/director/clip', { body: { afterSeconds: 61 }, headers: AUTH }),
      },
      {
        route: 'POST /api/director/clip',
        what: 'no OBS',
        code: 'director_disabled',
        send: () => atBare('POST', '/api/director/clip', { body: {}, headers: AUTH }),
      },
      {
        route: 'POST /api/director/clip',
        what: 'the replay buffer not running',
        code: 'replay_buffer_off',
        send: () => at('POST', '/api/director/clip', { body: {}, headers: AUTH }),
      },
      {
        route: 'GET /api/director/clips/*name',
        what: 'the API token, not a staff session',
        code: 'unauthorized',
        send: () => at('GET', '/api/director/clips/x.mkv', { headers: AUTH }),
      },
      {
        route: 'GET /api/director/clips/*name',
        what: 'a name that is a path',
        code: 'invalid_input',
        send: () => at('GET', '/api/director/clips/a%2Fb.mkv', { headers: { cookie } }),
      },
      {
        route: 'GET /api/director/clips/*name',
        what: 'no highlight of that name',
        code: 'unknown_clip',
        send: () => at('GET', '/api/director/clips/x.mkv', { headers: { cookie } }),
      },
      {
        route: 'GET /api/director/clips/*name',
        what: 'a clip saved where the hub cannot read it',
        code: 'clip_unavailable',
        send: async () => {
          fake.setReplayBuffer(true);
          await eventually(async () => expect((await at('POST', '/api/director/clip', { body: {}, headers: AUTH })).status).toBe(202));
          await eventually(async () =>
            expect(((await (await at('GET', '/api/director/highlights', { headers: AUTH })).json()) as { data: unknown[] }).data).not.toEqual([]),
          );
          return at('GET', `/api/director/clips/${encodeURIComponent(path.basename(fake.savedReplayPath))}`, { headers: { cookie } });
        },
      },
      {
        route: 'POST /api/scene',
        what: 'OBS gone',
        code: 'obs_unavailable',
        send: async () => {
          await fake.close();
          await eventually(async () =>
            expect(await (await at('GET', '/api/director', { headers: AUTH })).json()).toMatchObject({ data: { obs: 'disconnected' } }),
          );
          return at('POST', '/api/scene', { body: { scene: 'Oven Cam' }, headers: AUTH });
        },
      },
    ];

    const seen = new Set<ErrorCode>();
    for (const p of provocations) {
      const what = `${p.route}: ${p.what}`;
      const res = await p.send();
      const body: unknown = await res.json();
      const parsed = ApiErrorBody.safeParse(body);
      expect(parsed.error?.issues ?? [], `${what}: ${JSON.stringify(body)}`).toEqual([]);
      const error = parsed.data!.error;
      expect(isErrorCode(error.code), what).toBe(true);
      expect(error.code, what).toBe(p.code);
      expect(res.status, what).toBe(errorStatus(error.code));
      if ('retryAfterSeconds' in error.params) expect(res.headers.get('retry-after'), what).toBe(String(error.params.retryAfterSeconds));
      seen.add(error.code);
    }

    // Every API route the app serves was provoked (or is listed as answering no error), and the table names no route that is gone.
    const routes = listRoutes(hub.app)
      .filter((r) => r.path.startsWith('/api'))
      .map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const provoked = new Set(provocations.map((p) => p.route));
    expect(routes.filter((r) => !provoked.has(r) && !(r in NO_ERROR))).toEqual([]);
    expect([...provoked].filter((r) => r !== '(none)' && !routes.includes(r))).toEqual([]);
    // And every code of the shared type was met but those shown elsewhere (the handshake limit's is next).
    const missing = ERROR_CODES.filter((c) => !seen.has(c) && !(c in NOT_PROVOKED) && c !== 'too_many_handshakes');
    expect(missing).toEqual([]);
  }, 60_000);

  it('answers a refused socket.io handshake in the same shape, with the status of the table', async () => {
    const from = client();
    for (let i = 0; i < 400; i++) {
      const res = await fetch(`${hub.url}/socket.io/?EIO=4&transport=polling`, { headers: from });
      const text = await res.text();
      if (res.status === 200) continue;
      const parsed = ApiErrorBody.parse(JSON.parse(text));
      expect(parsed.error.code).toBe('too_many_handshakes');
      expect(res.status).toBe(errorStatus('too_many_handshakes'));
      return;
    }
    throw new Error('400 handshakes from one address were all accepted');
  });

  it('refuses a socket.io connection with the same error in connect_error data, its message still led by the word clients match', async () => {
    const refused = (nsp: string, query: Record<string, string> = {}) =>
      new Promise<{ message: string; data: unknown }>((resolve, reject) => {
        const socket = connect(`${hub.url}${nsp}`, { transports: ['websocket'], reconnection: false, forceNew: true, query, timeout: 10_000 });
        socket.on('connect', () => {
          socket.close();
          reject(new Error(`${nsp} connected`));
        });
        socket.on('connect_error', (err: Error & { data?: unknown }) => {
          socket.close();
          resolve({ message: err.message, data: err.data });
        });
      });
    const staff = await refused(STAFF_NAMESPACE);
    expect(staff.message).toMatch(/^unauthorized/);
    expect(ApiErrorBody.parse({ ok: false, error: staff.data }).error.code).toBe('unauthorized');
    const board = await refused(BOARD_NAMESPACE, { screen: 'not a name' });
    expect(board.message).toMatch(/^invalid screen query/);
    expect(ApiErrorBody.parse({ ok: false, error: board.data }).error).toMatchObject({ code: 'invalid_input', params: { issues: [{ field: 'screen' }] } });
  });
});
