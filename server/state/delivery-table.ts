/**
 * Webhook deliveries seen lately (server/hooks): a POS retries a delivery it got no answer for, and the same
 * delivery must not be applied twice, on this hub or on another behind the same URL. Keys are made by the
 * caller (a digest of the hook's name and the delivery id), so a sender cannot make one long.
 */
export interface DeliveryTable {
  /**
   * True when `key` was free: it is held now, for `ttlMs` (short: while its delivery is applied). False: a delivery
   * with this key was taken already (a replay, or the same delivery being applied on another hub right now).
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** The delivery was applied: remember it for `ttlMs` (the replay window). */
  confirm(key: string, ttlMs: number): Promise<void>;
  /** Lets a claim go (its delivery was not applied), so the sender's retry is. A claim never let go (the store was away) lapses. */
  release(key: string): Promise<void>;
}
