import { createHash } from 'node:crypto';
import type { Verdict } from './signatures.js';
import type { HookSource } from './webhook-config.js';

type Genuine = Extract<Verdict, { ok: true }>;

/**
 * The key a delivery is remembered by in the seen-delivery table (server/state/delivery-table.ts): a digest of the
 * hook's name and the delivery's id, so one hook's ids never meet another's and a sender cannot make a key long.
 * The id is the scheme's (a header; Square's body `event_id`), else the signature itself: a repeat of the same
 * signed bytes is the same delivery, and a new timestamp (or body) is a new one.
 */
export function deliveryKey(hook: HookSource, verdict: Genuine, payload: unknown): string {
  const id = verdict.deliveryId ?? (hook.scheme === 'square' ? bodyEventId(payload) : undefined) ?? `signature:${verdict.digest.toString('hex')}`;
  return createHash('sha256').update(`${hook.name}\n${id}`).digest('hex');
}

/** Square's idempotency value: the body's `event_id` (https://developer.squareup.com/docs/webhooks). */
function bodyEventId(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const id = (payload as { event_id?: unknown }).event_id;
  return typeof id === 'string' && id.length > 0 ? `event:${id}` : undefined;
}
