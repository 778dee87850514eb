/**
 * Webhook deliveries seen lately (server/hooks): a POS retries a delivery it got no answer for, and the same
 * delivery must not be applied twice, on this hub or on another behind the same URL. Keys are made by the
 * caller (a digest of the hook's name and what names the delivery), so a sender cannot make one long.
 */
export interface DeliveryTable {
  /**
   * Takes `key` for `ttlMs` (short: while its delivery is applied) when it is free: `claimed`, with the token that
   * confirms or lets go of this claim only. Else `pending`: another request (on this hub or another) holds it and
   * has not confirmed it yet, so it may still fail; or `done`: a delivery with this key was applied.
   */
  claim(key: string, ttlMs: number): Promise<Claim>;
  /** The delivery was applied: remember it as done for `ttlMs` (the replay window), unless another claim took the key since. */
  confirm(key: string, token: string, ttlMs: number): Promise<void>;
  /** Lets this claim go (its delivery was not applied), so the sender's retry is; never another's newer claim. A claim never let go (the store was away) lapses. */
  release(key: string, token: string): Promise<void>;
}

export type Claim = { state: 'claimed'; token: string } | { state: 'pending' } | { state: 'done' };
