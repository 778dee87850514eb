import { createHash } from 'node:crypto';
import type { Verdict } from './signatures.js';
import type { HookSource } from './webhook-config.js';

type Genuine = Extract<Verdict, { ok: true }>;

/**
 * The keys a delivery is remembered by in the seen-delivery table (server/state/delivery-table.ts), each a digest
 * of the hook's name and what it names, so one hook's keys never meet another's and a sender cannot make one long:
 *
 * - always the signature (`sig:` and its digest): the same signed bytes are one delivery, whatever an unsigned
 *   header says, so a captured request replayed with a fresh delivery-id header is still a duplicate;
 * - and, when the delivery carries one, its id (a header, not covered by the signature; Square's body `event_id`,
 *   which is): the sender's own word that a delivery with other bytes (Shopify re-signs a retry) is the same one.
 *
 * A delivery is new only when every key is free.
 */
export function deliveryKeys(hook: HookSource, verdict: Genuine, payload: unknown): string[] {
  const keys = [signatureKey(hook.name, verdict.digest)];
  const id = verdict.deliveryId ?? (hook.scheme === 'square' ? bodyEventId(payload) : undefined);
  if (id !== undefined) keys.push(digest(hook.name, `id:${id}`));
  return keys;
}

/** The key of a delivery's signed bytes: the hook's name, `sig:`, the signature's digest. */
export function signatureKey(hookName: string, signature: Buffer): string {
  return digest(hookName, `sig:${signature.toString('hex')}`);
}

function digest(hookName: string, what: string): string {
  return createHash('sha256').update(`${hookName}\n${what}`).digest('hex');
}

/** Square's idempotency value: the body's `event_id` (https://developer.squareup.com/docs/webhooks). */
function bodyEventId(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const id = (payload as { event_id?: unknown }).event_id;
  return typeof id === 'string' && id.length > 0 ? `event:${id}` : undefined;
}
