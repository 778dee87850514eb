/**
 * Webhook deliveries seen lately (server/hooks): a POS retries a delivery it got no answer for, and the same
 * delivery must not be applied twice, on this hub or on another behind the same URL. Keys are made by the
 * caller (a digest of the hook's name and the delivery id), so a sender cannot make one long.
 */
export interface DeliveryTable {
  /** True when `key` was free: it is held now, for `ttlMs`. False: a delivery with this key was taken already (a replay). */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Lets a claim go (its delivery was not applied), so the sender's retry is. */
  release(key: string): Promise<void>;
}
