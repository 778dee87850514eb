import { createHmac, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.js';
import { signatureKey } from '../server/hooks/delivery-ids.js';
import { MemoryDeliveryTable } from '../server/state/embedded/delivery-table.js';
import type { Hub } from '../server/hub.js';
import type { HubState } from '../server/state/state.js';
import { ApiErrorBody } from '../shared/errors.js';
import { STAFF_CSRF_HEADER } from '../shared/protocol.js';
import type { LoggedEvent } from '../shared/schemas/event-log.js';
import type { PilotReport } from '../shared/report.js';
import { TEST_PIN, TEST_TOKEN, startTestHub, tempDir } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { eventually } from './helpers/screens.js';
import { bothStates } from './helpers/states.js';

const SHOPIFY_SECRET = 'shpss_0123456789abcdef0123456789abcdef';
const SQUARE_KEY = 'qfjakbt2uWB8DKAMECF-EA';
const SQUARE_URL = 'https://shop.example.com/api/hooks/square';
const TILL_SECRET = 'till-secret-0123456789';

/**
 * Square's order webhooks carry no line items (only `order_id`, `state`, `version`), so a store's own mapping
 * puts up the number with one line; the items would need Square's Orders API. The same expression as in
 * docs/integrations.md ("Square").
 */
const SQUARE_MAPPING =
  "type in ['order.created', 'order.updated', 'order.fulfillment.updated'] ? ($o := data.object.order_created ? data.object.order_created : data.object.order_updated ? data.object.order_updated : data.object.order_fulfillment_updated; $f := $o.fulfillment_update[-1].new_state; { 'id': 'square-' & $o.order_id, 'number': $substring($o.order_id, -4), 'items': [{ 'sku': 'square-order', 'qty': 1 }], 'status': $o.state = 'CANCELED' or $f in ['CANCELED', 'FAILED'] ? 'cancelled' : $f = 'COMPLETED' ? 'picked_up' : $f = 'PREPARED' ? 'ready' : 'queued', 'updatedAt': $toMillis($o.updated_at ? $o.updated_at : $o.created_at) })";

const HOOKS = {
  shopify: { scheme: 'shopify', secretEnv: 'TEST_SHOPIFY_SECRET', preset: 'shopify-orders' },
  square: { scheme: 'square', secret: SQUARE_KEY, notificationUrl: SQUARE_URL, mapping: SQUARE_MAPPING },
  till: {
    scheme: 'hmac-sha256',
    secretEnv: 'TEST_TILL_SECRET',
    header: 'X-Till-Signature',
    encoding: 'hex',
    prefix: 'sha256=',
    timestampHeader: 'X-Till-Timestamp',
    toleranceSeconds: 300,
    deliveryIdHeader: 'X-Till-Delivery',
    preset: 'generic-json',
  },
  flaky: { scheme: 'hmac-sha256', secret: TILL_SECRET, header: 'X-Sig', encoding: 'base64', mapping: `$error('the till sent something new')` },
  // About 12 million steps: some hundreds of ms, over the old 100 ms limit and well under 2 s.
  slow: {
    scheme: 'hmac-sha256',
    secret: TILL_SECRET,
    header: 'X-Sig',
    encoding: 'base64',
    mapping: "($n := $count([1..3500].$sum([1..3500])); { 'id': id, 'number': number, 'items': items, 'status': 'queued', 'updatedAt': $millis() })",
  },
  // Billions of steps: over any limit.
  looping: {
    scheme: 'hmac-sha256',
    secret: TILL_SECRET,
    header: 'X-Sig',
    encoding: 'base64',
    mapping: "($n := $count([1..9000].$sum([1..9000].$sum([1..9000]))); { 'id': id })",
  },
};

const ENV = { TEST_SHOPIFY_SECRET: SHOPIFY_SECRET, TEST_TILL_SECRET: TILL_SECRET };

function configFile(hooks: unknown = HOOKS): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify({ webhooks: hooks }));
  return file;
}

// Each vendor's documented algorithm, written out here rather than taken from the hub.
/** Shopify: base64 HMAC-SHA256 of the raw body with the app's client secret (shopify.dev, "Verify webhook deliveries"). */
const shopifySignature = (body: string, secret = SHOPIFY_SECRET) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');
/** Square: base64 HMAC-SHA256 of the notification URL followed by the raw body (developer.squareup.com, "Verify and Validate"). */
const squareSignature = (body: string, url = SQUARE_URL) =>
  createHmac('sha256', SQUARE_KEY)
    .update(url + body, 'utf8')
    .digest('base64');
/** The generic scheme: hex HMAC-SHA256 of `<timestamp>.<raw body>`. */
const tillSignature = (body: string, timestamp: number) => `sha256=${createHmac('sha256', TILL_SECRET).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;

/** A Shopify order (REST Order resource, as `orders/create` sends it), with the private fields a real one has. */
function shopifyOrder(id: number, name: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name,
    order_number: Number(name.slice(1)),
    email: 'ada.lovelace@example.com',
    phone: '+46701234567',
    contact_email: 'ada.lovelace@example.com',
    created_at: '2026-12-03T10:15:00+01:00',
    updated_at: '2026-12-03T10:15:02+01:00',
    cancelled_at: null,
    financial_status: 'paid',
    fulfillment_status: null,
    currency: 'SEK',
    total_price: '145.00',
    customer: { id: 115310627314723950, email: 'ada.lovelace@example.com', first_name: 'Ada', last_name: 'Lovelace', phone: '+46701234567' },
    billing_address: { first_name: 'Ada', last_name: 'Lovelace', address1: 'Drottninggatan 1', city: 'Stockholm', zip: '111 51', phone: '+46701234567' },
    shipping_address: { first_name: 'Ada', last_name: 'Lovelace', address1: 'Drottninggatan 1', city: 'Stockholm', zip: '111 51', phone: '+46701234567' },
    line_items: [
      {
        id: 866550311766439000,
        variant_id: 808950810,
        product_id: 632910392,
        title: 'Cardamom bun',
        sku: 'bun',
        variant_title: 'classic',
        quantity: 2,
        price: '45.00',
      },
      {
        id: 141249953214522980,
        variant_id: 457924702,
        product_id: 632910393,
        title: 'Cinnamon roll',
        sku: 'roll',
        variant_title: null,
        quantity: 1,
        price: '55.00',
      },
    ],
    ...overrides,
  };
}

const PRIVATE = ['ada.lovelace@example.com', '+46701234567', 'Lovelace', 'Ada', 'Drottninggatan', 'Stockholm'];

describe('the webhook door', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub({ CONFIG: configFile(), ...ENV });
  });
  afterAll(() => hub?.close());

  const post = (name: string, body: string, headers: Record<string, string>, base = () => hub.url) =>
    fetch(`${base()}/api/hooks/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const shopify = (topic: string, payload: unknown, eventId = randomUUID()) => {
    const body = JSON.stringify(payload);
    return post('shopify', body, {
      'X-Shopify-Topic': topic,
      'X-Shopify-Hmac-Sha256': shopifySignature(body),
      'X-Shopify-Shop-Domain': 'batchboard-test.myshopify.com',
      'X-Shopify-Event-Id': eventId,
      'X-Shopify-Webhook-Id': randomUUID(),
      'X-Shopify-API-Version': '2026-10',
    });
  };
  const till = (payload: unknown, opts: { at?: number; delivery?: string } = {}) => {
    const body = JSON.stringify(payload);
    const at = opts.at ?? Math.floor(Date.now() / 1000);
    return post('till', body, {
      'X-Till-Timestamp': String(at),
      'X-Till-Signature': tillSignature(body, at),
      'X-Till-Delivery': opts.delivery ?? randomUUID(),
    });
  };
  const metric = async (line: string) => {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    const found = text.split('\n').find((l) => l.startsWith(`${line} `));
    return found === undefined ? 0 : Number(found.slice(line.length + 1));
  };
  const refusal = async (res: Response) => ({ status: res.status, error: ApiErrorBody.parse(await res.json()).error });

  it('takes a Shopify orders/create signed as Shopify documents it, onto the board with nothing private', async () => {
    const res = await shopify('orders/create', shopifyOrder(5_551_001, '#1001'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, data: { duplicate: false, orders: [{ id: 'shopify-5551001', applied: true }] } });

    const board: unknown = await (await fetch(`${hub.url}/api/board`)).json();
    const text = JSON.stringify(board);
    const stored = await hub.board.order('shopify-5551001');
    expect(stored).toEqual({
      id: 'shopify-5551001',
      number: '1001',
      items: [
        { sku: 'bun', variant: 'classic', qty: 2 },
        { sku: 'roll', qty: 1 },
      ],
      status: 'queued',
      updatedAt: Date.parse('2026-12-03T10:15:02+01:00'),
    });
    expect(text).toContain('shopify-5551001');
    for (const secret of PRIVATE) {
      expect(text, secret).not.toContain(secret);
      expect(JSON.stringify(stored), secret).not.toContain(secret);
    }
  });

  it('moves the order with orders/updated and fulfillments/create: fulfilled is picked up; queued never moves the floor back', async () => {
    expect((await shopify('orders/create', shopifyOrder(5_551_002, '#1002'))).status).toBe(200);
    // The floor has started it; Shopify then sends an update (a note edited): the floor's status stays, the items follow.
    const started = await hub.board.order('shopify-5551002');
    await hub.board.upsertOrder({ ...started!, status: 'in_production', updatedAt: Date.parse('2026-12-03T10:16:00+01:00') });
    const more = shopifyOrder(5_551_002, '#1002', { updated_at: '2026-12-03T10:17:00+01:00' });
    more.line_items[1]!.quantity = 3;
    expect((await shopify('orders/updated', more)).status).toBe(200);
    expect(await hub.board.order('shopify-5551002')).toMatchObject({ status: 'in_production', items: [{ qty: 2 }, { qty: 3 }] });

    const fulfilled = shopifyOrder(5_551_002, '#1002', { updated_at: '2026-12-03T10:25:00+01:00', fulfillment_status: 'fulfilled' });
    expect((await shopify('orders/updated', fulfilled)).status).toBe(200);
    expect(await hub.board.order('shopify-5551002')).toMatchObject({ status: 'picked_up' });

    // fulfillments/create: the Fulfillment resource, naming its order by order_id and "#1003.1".
    expect((await shopify('orders/create', shopifyOrder(5_551_003, '#1003'))).status).toBe(200);
    const fulfillment = {
      id: 255858046,
      order_id: 5_551_003,
      status: 'success',
      name: '#1003.1',
      created_at: '2026-12-03T10:30:00+01:00',
      updated_at: '2026-12-03T10:30:00+01:00',
      tracking_company: null,
      line_items: shopifyOrder(5_551_003, '#1003').line_items,
    };
    const res = await shopify('fulfillments/create', fulfillment);
    expect(await res.json()).toMatchObject({ data: { orders: [{ id: 'shopify-5551003', applied: true }] } });
    expect(await hub.board.order('shopify-5551003')).toMatchObject({ number: '1003', status: 'picked_up' });
    expect(hub.board.snapshot().orders.map((o) => o.id)).not.toContain('shopify-5551003');
  });

  it('never brings a finished order back: a POS update saying queued for an order picked up (or cancelled) on the floor is not written', async () => {
    expect((await shopify('orders/create', shopifyOrder(5_551_030, '#1030'))).status).toBe(200);
    const login = await fetch(`${hub.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: TEST_PIN, name: 'Ana' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const staff = (id: string, action: string) =>
      fetch(`${hub.url}/api/staff/orders/${id}/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, [STAFF_CSRF_HEADER]: '1' },
        body: '{}',
      });
    for (let i = 0; i < 3; i++) expect((await staff('shopify-5551030', 'advance')).status).toBe(200);
    expect(await hub.board.order('shopify-5551030')).toMatchObject({ status: 'picked_up' });

    // Shopify then sends orders/updated (a note edited, a tag added): not fulfilled in Shopify, so it maps to queued.
    // Its updated_at is after the pickup (staff stamp the hub's clock): last-write-wins alone would take it.
    const later = () => new Date(Date.now() + 60_000).toISOString();
    const edited = shopifyOrder(5_551_030, '#1030', { updated_at: later(), fulfillment_status: null });
    const res = await shopify('orders/updated', edited);
    expect(await res.json()).toMatchObject({ ok: true, data: { duplicate: false, orders: [{ id: 'shopify-5551030', applied: false, reason: 'stale' }] } });
    expect(await hub.board.order('shopify-5551030')).toMatchObject({ status: 'picked_up' });
    expect(hub.board.snapshot().orders.map((o) => o.id)).not.toContain('shopify-5551030');

    // The same for an order staff cancelled.
    expect((await shopify('orders/create', shopifyOrder(5_551_031, '#1031'))).status).toBe(200);
    expect((await staff('shopify-5551031', 'cancel')).status).toBe(200);
    expect((await shopify('orders/updated', shopifyOrder(5_551_031, '#1031', { updated_at: later() }))).status).toBe(200);
    expect(await hub.board.order('shopify-5551031')).toMatchObject({ status: 'cancelled' });
    expect(hub.board.snapshot().orders.map((o) => o.id)).not.toContain('shopify-5551031');
  });

  it('takes a Square order.created signed over the notification URL and the body, and refuses one signed for another URL', async () => {
    // The payload shape of Square's order.created (developer.squareup.com/reference/square/webhooks/order.created).
    const payload = {
      merchant_id: '5S9MXCS9Y99KK',
      type: 'order.created',
      event_id: randomUUID(),
      created_at: '2026-12-03T09:20:11.12Z',
      data: {
        type: 'order_created',
        id: 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY',
        object: {
          order_created: {
            created_at: '2026-12-03T09:20:10.914Z',
            location_id: 'FPYCBCHYMXFK1',
            order_id: 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY',
            state: 'OPEN',
            version: 1,
          },
        },
      },
    };
    const body = JSON.stringify(payload);
    const wrong = await post('square', body, { 'x-square-hmacsha256-signature': squareSignature(body, 'http://127.0.0.1/api/hooks/square') });
    expect(await refusal(wrong)).toMatchObject({ status: 401, error: { code: 'bad_signature', params: { header: 'x-square-hmacsha256-signature' } } });
    const res = await post('square', body, { 'x-square-hmacsha256-signature': squareSignature(body) });
    expect(res.status).toBe(200);
    expect(await hub.board.order('square-eA3vssLHKJrv9H0IdJCM3gNqfdcZY')).toMatchObject({ number: 'dcZY', status: 'queued' });
    // Square retries with the same event_id: answered 200, not applied again.
    expect(await (await post('square', body, { 'x-square-hmacsha256-signature': squareSignature(body) })).json()).toEqual({
      ok: true,
      data: { duplicate: true },
    });
    const { order_created: created } = payload.data.object;
    const send = async (type: string, object: Record<string, unknown>) => {
      const body = JSON.stringify({ ...payload, type, event_id: randomUUID(), data: { type: 'order', id: created.order_id, object } });
      expect((await post('square', body, { 'x-square-hmacsha256-signature': squareSignature(body) })).status).toBe(200);
      return hub.board.order('square-eA3vssLHKJrv9H0IdJCM3gNqfdcZY');
    };
    // order.updated with the order COMPLETED: Square's word for fully paid (paid at the counter), not handed over.
    expect(await send('order.updated', { order_updated: { ...created, state: 'COMPLETED', version: 2, updated_at: '2026-12-03T09:21:00Z' } })).toMatchObject({
      status: 'queued',
    });
    // order.fulfillment.updated (developer.squareup.com/reference/square/webhooks/order.fulfillment.updated): PREPARED is ready, COMPLETED picked up.
    const fulfilled = (version: number, at: string, from: string, to: string) => ({
      order_fulfillment_updated: {
        ...created,
        state: 'OPEN',
        version,
        updated_at: at,
        fulfillment_update: [{ fulfillment_uid: 'VWJ1N9leLqjSDLvF2hvYjD', old_state: from, new_state: to }],
      },
    });
    expect(await send('order.fulfillment.updated', fulfilled(3, '2026-12-03T09:28:00Z', 'RESERVED', 'PREPARED'))).toMatchObject({ status: 'ready' });
    expect(await send('order.fulfillment.updated', fulfilled(4, '2026-12-03T09:31:00Z', 'PREPARED', 'COMPLETED'))).toMatchObject({ status: 'picked_up' });
  });

  it('refuses a wrong or missing signature with 401, counted', async () => {
    const before = await metric('batchboard_rejected_total{door="webhook",reason="bad_signature"}');
    const body = JSON.stringify(shopifyOrder(5_551_009, '#1009'));
    const forged = await post('shopify', body, { 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Hmac-Sha256': shopifySignature(body, 'not-the-secret') });
    expect(await refusal(forged)).toMatchObject({ status: 401, error: { code: 'bad_signature', params: { header: 'x-shopify-hmac-sha256' } } });
    const unsigned = await post('shopify', body, { 'X-Shopify-Topic': 'orders/create' });
    expect((await refusal(unsigned)).status).toBe(401);
    // The body changed after signing (a re-serialised JSON): refused.
    const reformatted = await post('shopify', JSON.stringify(JSON.parse(body), null, 2), {
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Hmac-Sha256': shopifySignature(body),
    });
    expect(reformatted.status).toBe(401);
    expect(await hub.board.order('shopify-5551009')).toBeUndefined();
    expect(await metric('batchboard_rejected_total{door="webhook",reason="bad_signature"}')).toBe(before + 3);
  });

  it('refuses a stale timestamp (generic scheme) with 401 stale_timestamp, counted, and takes a fresh one', async () => {
    const order = { id: 'till-1', number: 'T1', items: [{ sku: 'bun', qty: 1 }], customer: 'Ada Lovelace' };
    const stale = await till(order, { at: Math.floor(Date.now() / 1000) - 301 });
    expect(await refusal(stale)).toMatchObject({ status: 401, error: { code: 'stale_timestamp', params: { toleranceSeconds: 300 } } });
    expect(await metric('batchboard_rejected_total{door="webhook",reason="stale_timestamp"}')).toBe(1);
    const fresh = await till(order);
    expect(fresh.status).toBe(200);
    const stored = await hub.board.order('till-1');
    expect(stored).toMatchObject({ number: 'T1', status: 'queued' });
    expect(JSON.stringify(stored)).not.toContain('Lovelace');
  });

  it('answers a replayed delivery 200 { duplicate: true } without applying it again, counted', async () => {
    const order = { id: 'till-2', number: 'T2', items: [{ sku: 'roll', qty: 2 }] };
    const body = JSON.stringify(order);
    const at = Math.floor(Date.now() / 1000);
    const headers = { 'X-Till-Timestamp': String(at), 'X-Till-Signature': tillSignature(body, at), 'X-Till-Delivery': 'delivery-42' };
    const first = await post('till', body, headers);
    expect(first.status).toBe(200);
    const applied = await hub.board.order('till-2');
    await new Promise((r) => setTimeout(r, 5)); // so that a second application could not share the first's millisecond
    const again = await post('till', body, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ok: true, data: { duplicate: true } });
    // generic-json stamps updatedAt on arrival: without the delivery id, the replay would have been a new change.
    expect(await hub.board.order('till-2')).toEqual(applied);
    expect(await metric('batchboard_webhook_deliveries_total{hook="till",outcome="duplicate"}')).toBe(1);
    expect(await metric('batchboard_webhook_deliveries_total{hook="till",outcome="applied"}')).toBeGreaterThanOrEqual(1);
  });

  it('takes the same signed bytes once, whatever unsigned delivery-id header comes with them', async () => {
    // A captured request replayed with a fresh X-Till-Delivery: the header is not signed, the bytes are the same.
    const order = { id: 'till-replayed', number: 'T5', items: [{ sku: 'bun', qty: 1 }] };
    const body = JSON.stringify(order);
    const at = Math.floor(Date.now() / 1000);
    const signed = { 'X-Till-Timestamp': String(at), 'X-Till-Signature': tillSignature(body, at) };
    expect((await post('till', body, { ...signed, 'X-Till-Delivery': randomUUID() })).status).toBe(200);
    const applied = await hub.board.order('till-replayed');
    await new Promise((r) => setTimeout(r, 5)); // so that a second application could not share the first's millisecond
    const replayed = await post('till', body, { ...signed, 'X-Till-Delivery': randomUUID() });
    expect(await replayed.json()).toEqual({ ok: true, data: { duplicate: true } });
    expect(await hub.board.order('till-replayed')).toEqual(applied);

    // Shopify: the same signed order with a new X-Shopify-Event-Id (and webhook id) is the same delivery.
    const payload = shopifyOrder(5_551_020, '#1020');
    expect(await (await shopify('orders/create', payload, randomUUID())).json()).toMatchObject({ data: { duplicate: false } });
    expect(await (await shopify('orders/create', payload, randomUUID())).json()).toEqual({ ok: true, data: { duplicate: true } });
  });

  it('gives a mapping 2 s: a slow one is applied, and one over its time is answered 503 with Retry-After (a retry may pass), not 422', async () => {
    const signed = (name: string, payload: unknown) => {
      const body = JSON.stringify(payload);
      return post(name, body, { 'X-Sig': createHmac('sha256', TILL_SECRET).update(body).digest('base64') });
    };
    const slow = await signed('slow', { id: 'slow-1', number: 'S1', items: [{ sku: 'bun', qty: 1 }] });
    expect(await slow.json()).toMatchObject({ ok: true, data: { duplicate: false, orders: [{ id: 'slow-1', applied: true }] } });

    const started = Date.now();
    const over = await signed('looping', { id: 'loop-1' });
    expect(over.status).toBe(503);
    expect(over.headers.get('retry-after')).toBe('1');
    expect(ApiErrorBody.parse(await over.json()).error.code).toBe('store_unavailable');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await metric('batchboard_rejected_total{door="webhook",reason="mapping_timeout"}')).toBe(1);
  });

  it('maps a 200-line Shopify order within its time (the Order schema then takes at most 20 items: 400, not a mapping failure)', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => ({
      id: 9_000 + i,
      variant_id: 700 + i,
      sku: `sku-${i}`,
      variant_title: null,
      quantity: 1,
      price: '1.00',
    }));
    const res = await shopify('orders/create', shopifyOrder(5_551_040, '#1040', { line_items: lines }));
    expect(await refusal(res)).toMatchObject({ status: 400, error: { code: 'invalid_input', params: { issues: [{ field: 'items' }] } } });
  });

  it('answers an unknown hook 404, a body over 1 MB 413, broken JSON 400, a failing mapping 422 (and lets its retry through)', async () => {
    expect(await refusal(await post('nobody', '{}', {}))).toMatchObject({ status: 404, error: { code: 'not_found' } });

    const big = JSON.stringify({ id: 'till-big', pad: 'x'.repeat(1024 * 1024) });
    const tooLarge = await post('till', big, { 'X-Till-Timestamp': '1', 'X-Till-Signature': 'sha256=00' });
    expect(await refusal(tooLarge)).toMatchObject({ status: 413, error: { code: 'too_large', params: { maxBytes: 1024 * 1024 } } });
    expect(await metric('batchboard_rejected_total{door="webhook",reason="too_large"}')).toBe(1);

    const broken = '{"id": "till-3",';
    const at = Math.floor(Date.now() / 1000);
    const badJson = await post('till', broken, {
      'X-Till-Timestamp': String(at),
      'X-Till-Signature': tillSignature(broken, at),
      'X-Till-Delivery': randomUUID(),
    });
    expect(await refusal(badJson)).toMatchObject({ status: 400, error: { code: 'invalid_json' } });

    const body = JSON.stringify({ id: 'flaky-1' });
    const sig = createHmac('sha256', TILL_SECRET).update(body).digest('base64');
    for (let i = 0; i < 2; i++) {
      const failed = await post('flaky', body, { 'X-Sig': sig });
      expect(await refusal(failed)).toMatchObject({ status: 422, error: { code: 'mapping_failed', params: { hook: 'flaky', problem: 'D3137' } } });
    }
    expect(await metric('batchboard_rejected_total{door="webhook",reason="mapping_failed"}')).toBe(2);

    // Hostile but signed: nested half a million deep, in every place the preset looks. Refused; the hub goes on.
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    for (const raw of [deep, `{"id":${deep},"number":"1","items":${deep}}`]) {
      const res = await post('till', raw, { 'X-Till-Timestamp': String(at), 'X-Till-Signature': tillSignature(raw, at), 'X-Till-Delivery': randomUUID() });
      expect(await refusal(res)).toMatchObject({ status: 422, error: { code: 'mapping_failed', params: { problem: 'too_deep' } } });
    }
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);

    const invalidBefore = await metric('batchboard_rejected_total{door="webhook",reason="invalid_order:items"}');
    const invalid = await till({ id: 'till-4', number: 'T4', items: [] });
    expect(await refusal(invalid)).toMatchObject({ status: 400, error: { code: 'invalid_input', params: { issues: [{ field: 'items' }] } } });
    expect(await metric('batchboard_rejected_total{door="webhook",reason="invalid_order:items"}')).toBe(invalidBefore + 1);
  });
});

describe('whole-basket sales from the webhook door', () => {
  let hub: Hub;
  const MADE = { sku: 'bun', name: 'Cardamom bun', runSize: 12, runQuantity: 120 };
  beforeAll(async () => {
    const file = path.join(tempDir(), 'store.json');
    const shop = { scheme: 'shopify', secretEnv: 'TEST_SHOPIFY_SECRET', preset: 'shopify-orders', boardItems: 'made-on-site' };
    writeFileSync(file, JSON.stringify({ catalogue: [MADE], webhooks: { shop } }));
    hub = await startTestHub({ CONFIG: file, ...ENV });
  });
  afterAll(() => hub?.close());

  const send = (topic: string, payload: unknown) => {
    const body = JSON.stringify(payload);
    return fetch(`${hub.url}/api/hooks/shop`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Shopify-Topic': topic,
        'X-Shopify-Hmac-Sha256': shopifySignature(body),
        'X-Shopify-Event-Id': randomUUID(),
      },
      body,
    });
  };
  const sales = async (from: number) => {
    const res = await fetch(`${hub.url}/api/export?format=ndjson&from=${from}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const lines = (await res.text()).split('\n').filter(Boolean);
    return { text: lines.join('\n'), sales: lines.map((l) => JSON.parse(l) as LoggedEvent).flatMap((e) => (e.type === 'sale' ? [e.sale] : [])) };
  };
  /** A basket of a bun made on site, and a mug and coffee beans that are not. */
  const basket = (id: number, name: string, overrides: Record<string, unknown> = {}) => {
    const order = shopifyOrder(id, name, { total_price: '334.00', ...overrides });
    order.line_items = [
      order.line_items[0]!,
      { id: 1, variant_id: 901, product_id: 77, title: 'Mug', sku: 'mug-blue', variant_title: null, quantity: 1, price: '149.00' },
      { id: 2, variant_id: 902, product_id: 78, title: 'Coffee beans', sku: 'beans-250', variant_title: null, quantity: 1, price: '95.00' },
    ];
    return order;
  };

  it('logs the sale with every line item and nothing private, while the board gets only the item made on site', async () => {
    const from = Date.now();
    const res = await send('orders/create', basket(6_001, '#2001'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, data: { duplicate: false, orders: [{ id: 'shopify-6001', applied: true }], sales: 1 } });
    expect((await hub.board.order('shopify-6001'))?.items).toEqual([{ sku: 'bun', variant: 'classic', qty: 2 }]);

    const { text, sales: logged } = await sales(from);
    expect(logged).toEqual([
      {
        source: 'shop',
        id: '6001',
        items: [
          { sku: 'bun', qty: 2, unitPrice: 45 },
          { sku: 'mug-blue', qty: 1, unitPrice: 149 },
          { sku: 'beans-250', qty: 1, unitPrice: 95 },
        ],
        total: 334,
        currency: 'SEK',
        placedAt: Date.parse('2026-12-03T10:15:00+01:00'),
        updatedAt: Date.parse('2026-12-03T10:15:02+01:00'),
      },
    ]);
    for (const secret of PRIVATE) expect(text, secret).not.toContain(secret);

    // The same version of the sale delivered again (another delivery: a second subscription, a note in the same
    // instant; the same basket and updated_at) is logged once.
    const again = await send('orders/updated', basket(6_001, '#2001', { note: 'no sugar' }));
    expect(await again.json()).toMatchObject({ ok: true, data: { duplicate: false, sales: 1 } });
    expect((await sales(from)).sales).toHaveLength(1);
  });

  it('reports the version the POS made last, whatever order it came in: a late create does not undo a cancellation, a basket changed back counts', async () => {
    const t = Date.now() - 10 * 60_000;
    const iso = (minutes: number) => new Date(t + minutes * 60_000).toISOString();
    const version = (id: number, minutes: number, overrides: Record<string, unknown> = {}) =>
      basket(id, `#${id}`, { created_at: iso(0), updated_at: iso(minutes), ...overrides });
    // 6010: cancelled at +2 min; its orders/create (+1 min) is delivered after the cancellation.
    expect((await send('orders/updated', version(6_010, 2, { cancelled_at: iso(2) }))).status).toBe(200);
    expect((await send('orders/create', version(6_010, 1))).status).toBe(200);
    // 6011: a mug and beans (2 adjacent units), then 3 mugs (+2: 4 units), then the first basket again (+3: 2 units).
    const changed = version(6_011, 2);
    changed.line_items = [changed.line_items[0]!, { ...changed.line_items[1]!, quantity: 3 }];
    expect((await send('orders/create', version(6_011, 1))).status).toBe(200);
    expect((await send('orders/updated', changed)).status).toBe(200);
    expect((await send('orders/updated', version(6_011, 3))).status).toBe(200);
    const logged = (await sales(t)).sales;
    expect(logged.filter((s) => s.id === '6011').map((s) => s.updatedAt)).toEqual([1, 2, 3].map((m) => Date.parse(iso(m))));

    const res = await fetch(`${hub.url}/api/report?from=${t - 60_000}&to=${Date.now() + 60_000}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(200);
    // Only 6011's last basket counts: 6010 stays cancelled.
    expect(((await res.json()) as PilotReport).adjacent.units).toBe(2);
  });

  it('logs the sale of a basket with nothing made on site, and puts nothing on the board', async () => {
    const from = Date.now();
    const order = basket(6_002, '#2002');
    order.line_items = order.line_items.slice(1);
    const res = await send('orders/create', order);
    expect(await res.json()).toMatchObject({ ok: true, data: { orders: [], sales: 1 } });
    expect(await hub.board.order('shopify-6002')).toBeUndefined();
    expect((await sales(from)).sales.map((s) => s.items.length)).toEqual([2]);
  });

  it('refuses a basket of more than 500 lines, naming sale.items, counted', async () => {
    const order = basket(6_003, '#2003');
    order.line_items = Array.from({ length: 501 }, (_, i) => ({ ...order.line_items[1]!, id: i, sku: `extra-${i}` }));
    const res = await send('orders/create', order);
    expect(res.status).toBe(400);
    expect(ApiErrorBody.parse(await res.json()).error).toMatchObject({
      code: 'invalid_input',
      params: { issues: [{ field: 'sale.items', problem: 'too_many', max: 500 }] },
    });
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toContain('batchboard_rejected_total{door="webhook",reason="invalid_sale:items"} 1');
  });
});

describe('webhook config', () => {
  const load =
    (hooks: unknown, env: Record<string, string> = ENV) =>
    () =>
      loadConfig({ CONFIG: configFile(hooks), DATA_DIR: tempDir(), LOG_LEVEL: 'silent', ...env });

  it('refuses at start a mapping that does not compile, naming webhooks.<name>.mapping', () => {
    expect(load({ pos: { scheme: 'shopify', secret: 'secret-123', mapping: '{ "id": ' } })).toThrow(/webhooks\.pos\.mapping: does not compile/);
  });

  it('refuses a missing secret variable, both or neither of secret and secretEnv, a Square hook without its URL, an unknown key', () => {
    expect(load({ pos: { scheme: 'shopify', secretEnv: 'NOT_SET_ANYWHERE', preset: 'shopify-orders' } })).toThrow(
      /webhooks\.pos\.secretEnv: the environment variable NOT_SET_ANYWHERE/,
    );
    expect(load({ pos: { scheme: 'shopify', secret: 'secret-123', secretEnv: 'TEST_SHOPIFY_SECRET', preset: 'shopify-orders' } })).toThrow(
      /webhooks\.pos\.secretEnv/,
    );
    expect(load({ pos: { scheme: 'shopify', preset: 'shopify-orders' } })).toThrow(/webhooks\.pos\.secretEnv/);
    expect(load({ pos: { scheme: 'square', secret: 'secret-123', preset: 'generic-json' } })).toThrow(/webhooks\.pos\.notificationUrl/);
    expect(load({ pos: { scheme: 'shopify', secret: 'secret-123', preset: 'shopify-orders', secert: 'x' } })).toThrow(/webhooks\.pos/);
    expect(load({ 'Bad Name': { scheme: 'shopify', secret: 'secret-123', preset: 'shopify-orders' } })).toThrow(/webhooks/);
  });

  it('reads the secret from its environment variable', () => {
    const config = load(HOOKS)();
    expect(config.webhooks.shopify).toMatchObject({ name: 'shopify', secret: SHOPIFY_SECRET, mapping: { preset: 'shopify-orders' } });
    expect(config.webhooks.till).toMatchObject({ header: 'x-till-signature', timestampHeader: 'x-till-timestamp' });
  });
});

describe('the seen-delivery table', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(() => redis?.destroy());

  for (const [kind, make] of bothStates(() => redis, pino({ level: 'silent' }))) {
    it(`${kind}: takes a key once; pending while claimed, done once confirmed; only the claim's own token lets go or confirms`, async () => {
      const state: HubState = await make();
      const claimed = async (key: string, ttlMs: number) => {
        const claim = await state.deliveries.claim(key, ttlMs);
        if (claim.state !== 'claimed') throw new Error(`${key} is ${claim.state}`);
        return claim.token;
      };
      try {
        const t1 = await claimed('k1', 60_000);
        expect(await state.deliveries.claim('k1', 60_000)).toEqual({ state: 'pending' });
        await state.deliveries.release('k1', 'not-this-claim');
        expect(await state.deliveries.claim('k1', 60_000)).toEqual({ state: 'pending' });
        await state.deliveries.release('k1', t1);
        const t2 = await claimed('k1', 60_000);
        await state.deliveries.confirm('k1', t2, 60_000);
        expect(await state.deliveries.claim('k1', 60_000)).toEqual({ state: 'done' });
        await state.deliveries.release('k1', t2);
        expect(await state.deliveries.claim('k1', 60_000)).toEqual({ state: 'done' });

        // A claim not let go lapses; a slow holder of the lapsed claim then neither lets go of nor confirms the newer one.
        const old = await claimed('k2', 30);
        const until = Date.now() + 5_000;
        let newer: string | undefined;
        while (newer === undefined) {
          const claim = await state.deliveries.claim('k2', 60_000);
          if (claim.state === 'claimed') newer = claim.token;
          else if (Date.now() > until) throw new Error('k2 never lapsed');
          else await new Promise((r) => setTimeout(r, 20));
        }
        await state.deliveries.release('k2', old);
        await state.deliveries.confirm('k2', old, 60_000);
        expect(await state.deliveries.claim('k2', 60_000)).toEqual({ state: 'pending' });
        await state.deliveries.confirm('k2', newer, 60_000);
        expect(await state.deliveries.claim('k2', 60_000)).toEqual({ state: 'done' });
      } finally {
        await state.close();
      }
    });
  }

  it('embedded: stays bounded, forgetting the expired and then the oldest', async () => {
    let now = 0;
    const table = new MemoryDeliveryTable(() => now, 100);
    for (let i = 0; i < 100; i++) await table.claim(`a${i}`, i < 50 ? 10 : 1_000);
    now = 20;
    await table.claim('b', 1_000);
    expect(table.size).toBe(51);
    for (let i = 0; i < 200; i++) await table.claim(`c${i}`, 1_000);
    expect(table.size).toBeLessThanOrEqual(100);
    expect(await table.claim('c199', 1_000)).toEqual({ state: 'pending' });
  });

  it('with two hubs on one Redis, a delivery replayed to the other hub is not applied twice', async () => {
    const config = configFile();
    const [a, b] = await Promise.all([
      startTestHub({ CONFIG: config, REDIS_URL: redis.url, ...ENV }),
      startTestHub({ CONFIG: config, REDIS_URL: redis.url, ...ENV }),
    ]);
    try {
      const body = JSON.stringify({ id: 'till-two-hubs', number: 'T9', items: [{ sku: 'bun', qty: 1 }] });
      const at = Math.floor(Date.now() / 1000);
      const send = (hub: Hub) =>
        fetch(`${hub.url}/api/hooks/till`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'X-Till-Timestamp': String(at),
            'X-Till-Signature': tillSignature(body, at),
            'X-Till-Delivery': 'two-hubs-1',
          },
          body,
        });
      expect(await (await send(a)).json()).toMatchObject({ ok: true, data: { duplicate: false, orders: [{ applied: true }] } });
      const applied = await a.board.order('till-two-hubs');
      expect(applied).toMatchObject({ number: 'T9' });
      await new Promise((r) => setTimeout(r, 5)); // so that a second application could not share the first's millisecond
      expect(await (await send(b)).json()).toEqual({ ok: true, data: { duplicate: true } });
      // generic-json stamps updatedAt on arrival: applied again, the stored order would be newer.
      expect(await b.board.order('till-two-hubs')).toEqual(applied);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('answers 503 (Retry-After: 1), not 200 duplicate, while the same delivery is claimed and not yet applied elsewhere', async () => {
    const hub = await startTestHub({ CONFIG: configFile(), REDIS_URL: redis.url, ...ENV });
    const client = redis.client();
    try {
      const body = JSON.stringify({ id: 'till-in-flight', number: 'T8', items: [{ sku: 'bun', qty: 1 }] });
      const at = Math.floor(Date.now() / 1000);
      const signature = tillSignature(body, at);
      const send = () =>
        fetch(`${hub.url}/api/hooks/till`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'X-Till-Timestamp': String(at), 'X-Till-Signature': signature, 'X-Till-Delivery': 'in-flight-1' },
          body,
        });
      // Another hub has claimed this delivery and is applying it (its claim, as a hub writes it, not yet confirmed).
      const key = `batchboard:hooks:delivery:${signatureKey('till', Buffer.from(signature.slice('sha256='.length), 'hex'))}`;
      expect(await client.set(key, 'claim:other-hub', 'PX', 30_000, 'NX')).toBe('OK');
      const held = await send();
      expect(held.status).toBe(503);
      expect(held.headers.get('retry-after')).toBe('1');
      expect(ApiErrorBody.parse(await held.json()).error.code).toBe('store_unavailable');
      expect(await hub.board.order('till-in-flight')).toBeUndefined();
      // That hub's apply failed and it let its claim go: the retry is applied, here.
      await client.del(key);
      expect(await (await send()).json()).toMatchObject({ ok: true, data: { duplicate: false, orders: [{ id: 'till-in-flight', applied: true }] } });
      expect(await (await send()).json()).toEqual({ ok: true, data: { duplicate: true } });
    } finally {
      client.disconnect();
      await hub.close();
    }
  });

  it('answers 503 store_unavailable while Redis is away, so the POS retries, and applies the retry once it is back', async () => {
    const hub = await startTestHub({ CONFIG: configFile(), REDIS_URL: redis.url, ...ENV });
    try {
      const body = JSON.stringify({ id: 'till-outage', number: 'T7', items: [{ sku: 'bun', qty: 1 }] });
      const at = Math.floor(Date.now() / 1000);
      const send = () =>
        fetch(`${hub.url}/api/hooks/till`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'X-Till-Timestamp': String(at),
            'X-Till-Signature': tillSignature(body, at),
            'X-Till-Delivery': 'outage-1',
          },
          body,
        });
      await redis.stop();
      const started = Date.now();
      const away = await send();
      expect(away.status).toBe(503);
      expect(away.headers.get('retry-after')).toBe('1');
      expect(ApiErrorBody.parse(await away.json()).error.code).toBe('store_unavailable');
      expect(Date.now() - started).toBeLessThan(10_000);
      await redis.up();
      await eventually(async () => {
        const back = await send();
        expect(back.status).toBe(200);
        expect(await back.json()).toMatchObject({ ok: true, data: { duplicate: false, orders: [{ id: 'till-outage', applied: true }] } });
      }, 30_000);
      expect(await hub.board.order('till-outage')).toMatchObject({ number: 'T7' });
    } finally {
      await hub.close();
    }
  }, 60_000);
});
