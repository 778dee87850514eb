import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { HookSource } from './webhook-config.js';

/** What a delivery's signature says: genuine (with what identifies the delivery), or why it is refused. */
export type Verdict =
  | { ok: true; digest: Buffer; deliveryId: string | undefined; replayWindowMs: number }
  | { ok: false; reason: 'bad_signature'; header: string }
  | { ok: false; reason: 'stale_timestamp'; toleranceSeconds: number };

/** The header each scheme's signature is read from (lower case, as Node gives headers). */
export function signatureHeader(hook: HookSource): string {
  if (hook.scheme === 'shopify') return 'x-shopify-hmac-sha256';
  if (hook.scheme === 'square') return 'x-square-hmacsha256-signature';
  return hook.header;
}

/**
 * Checks a delivery's signature on its raw body, before anything parses it, in constant time.
 *
 * - shopify: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body, keyed with the app's client
 *   secret ("Verify webhook deliveries", https://shopify.dev/docs/apps/build/webhooks/verify-deliveries). For
 *   duplicates, "Ignore duplicate webhooks" (https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates) names
 *   `X-Shopify-Event-Id` ("the same value across more than one webhook indicates a duplicate"), the newer page
 *   `X-Shopify-Webhook-Id`: the delivery id is the topic and the event id (one merchant action may raise several
 *   topics), else the webhook id. A retry the id misses is still harmless: the preset's `updatedAt` is the order's.
 * - square: `x-square-hmacsha256-signature` is the base64 HMAC-SHA256 of the notification URL followed by the
 *   raw body, keyed with the subscription's signature key (https://developer.squareup.com/docs/webhooks/step3validate).
 *   The delivery id is the body's `event_id` ("use this value to bypass processing if it's a repeated value",
 *   https://developer.squareup.com/docs/webhooks), read by the caller once the signature holds.
 * - hmac-sha256: the configured header holds `prefix` + the digest (hex or base64) of the raw body, or with
 *   `timestampHeader` of `<timestamp>.<raw body>` (the header's text as sent, a dot, the body's bytes), as
 *   Stripe-like schemes sign it; a timestamp more than `toleranceSeconds` off the hub's clock is stale.
 *
 * A header delivery id is not covered by the signature: the caller keys a delivery by its `digest` as well
 * (server/hooks/delivery-ids.ts), so the id can make a delivery a duplicate, never a new one.
 */
export function verify(hook: HookSource, headers: IncomingHttpHeaders, raw: Buffer, now: number): Verdict {
  const header = signatureHeader(hook);
  const given = one(headers[header]);
  const refuse = { ok: false, reason: 'bad_signature', header } as const;
  const window = hook.replayWindowHours * 3600_000;
  if (given === undefined) return refuse;
  if (hook.scheme === 'shopify') {
    const digest = hmac(hook.secret, raw);
    if (!matches(digest, Buffer.from(given, 'base64'))) return refuse;
    const event = one(headers['x-shopify-event-id']);
    const topic = one(headers['x-shopify-topic']) ?? '';
    const deliveryId = event !== undefined ? `${topic}|${event}` : one(headers['x-shopify-webhook-id']);
    return { ok: true, digest, deliveryId, replayWindowMs: window };
  }
  if (hook.scheme === 'square') {
    const digest = hmac(hook.secret, Buffer.from(hook.notificationUrl, 'utf8'), raw);
    return matches(digest, Buffer.from(given, 'base64')) ? { ok: true, digest, deliveryId: undefined, replayWindowMs: window } : refuse;
  }
  if (!given.startsWith(hook.prefix)) return refuse;
  const sent = Buffer.from(given.slice(hook.prefix.length).trim(), hook.encoding);
  const deliveryId = hook.deliveryIdHeader !== undefined ? one(headers[hook.deliveryIdHeader]) : undefined;
  if (hook.timestampHeader === undefined) {
    const digest = hmac(hook.secret, raw);
    return matches(digest, sent) ? { ok: true, digest, deliveryId, replayWindowMs: window } : refuse;
  }
  const stamp = one(headers[hook.timestampHeader]);
  if (stamp === undefined || !/^\d{1,12}$/.test(stamp)) return { ...refuse, header: hook.timestampHeader };
  const digest = hmac(hook.secret, Buffer.from(`${stamp}.`, 'utf8'), raw);
  if (!matches(digest, sent)) return refuse;
  if (Math.abs(now / 1000 - Number(stamp)) > hook.toleranceSeconds) return { ok: false, reason: 'stale_timestamp', toleranceSeconds: hook.toleranceSeconds };
  // A replay past the tolerance is stale; within it (either way of the hub's clock) the signature's key catches it.
  return { ok: true, digest, deliveryId, replayWindowMs: 2 * hook.toleranceSeconds * 1000 };
}

function hmac(secret: string, ...parts: Buffer[]): Buffer {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Equal digests, compared in constant time (a length that differs says nothing secret: every digest has 32 bytes). */
function matches(expected: Buffer, sent: Buffer): boolean {
  return sent.length === expected.length && timingSafeEqual(expected, sent);
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
