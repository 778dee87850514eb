/**
 * What one client (an address, or an IPv6 /64) may take from the kiosk, counted in items rather
 * than orders: ten orders of a dozen took a whole day's run in two seconds when orders were counted.
 * Two sliding windows: items a minute over every SKU, and a share of each SKU's day run over a
 * longer window. The embedded store keeps takings here; the Redis store's script applies the same
 * rule to a sorted set, so both hubs of a pair count one client together.
 */

export const ITEMS_WINDOW_MS = 60_000;

export interface Allowance {
  /** Items of any SKU one client may order in a minute. */
  itemsPerMinute: number;
  /** Items of this SKU one client may order within `shareWindowMs`. */
  share: number;
  shareWindowMs: number;
}

export interface Taking {
  at: number;
  sku: string;
  qty: number;
}

export interface Refusal {
  limit: 'items' | 'share';
  /** The limit met: items a minute, or items of the SKU per share window. */
  allowed: number;
  /** When enough of the client's earlier takings have left the window for this one to fit. */
  retryAfterMs: number;
}

/** `maxShareOfRun` of a SKU's day run, and never less than one full batch: a small run still takes one whole order. */
export function shareOfRun(product: { runSize: number; runQuantity: number }, maxShareOfRun: number): number {
  return Math.max(product.runSize, Math.floor(product.runQuantity * maxShareOfRun));
}

/** Undefined when `qty` more of `sku` at `at` fits the client's allowance; `recent` is oldest first. */
export function refusal(recent: readonly Taking[], at: number, sku: string, qty: number, allowance: Allowance): Refusal | undefined {
  const items = recent.filter((t) => t.at > at - ITEMS_WINDOW_MS);
  const ofSku = recent.filter((t) => t.sku === sku && t.at > at - allowance.shareWindowMs);
  return over(items, at, qty, allowance.itemsPerMinute, ITEMS_WINDOW_MS, 'items') ?? over(ofSku, at, qty, allowance.share, allowance.shareWindowMs, 'share');
}

function over(takings: readonly Taking[], at: number, qty: number, allowed: number, windowMs: number, limit: Refusal['limit']): Refusal | undefined {
  let total = takings.reduce((sum, t) => sum + t.qty, 0);
  if (total + qty <= allowed) return undefined;
  for (const t of takings) {
    total -= t.qty;
    if (total + qty <= allowed) return { limit, allowed, retryAfterMs: Math.max(1, t.at + windowMs - at) };
  }
  return { limit, allowed, retryAfterMs: windowMs };
}

/** The embedded store's record of recent takings per client; what has left every window is dropped as it goes. */
export class ClientLedger {
  #takings = new Map<string, Taking[]>();
  /** The longest window counted over (the allowance comes with each placement). */
  #horizonMs = ITEMS_WINDOW_MS;
  #lastSweep = 0;

  refusal(client: string, at: number, sku: string, qty: number, allowance: Allowance): Refusal | undefined {
    this.#horizonMs = Math.max(ITEMS_WINDOW_MS, allowance.shareWindowMs);
    return refusal(this.#recent(client, at), at, sku, qty, allowance);
  }

  record(client: string, taking: Taking): void {
    this.#takings.set(client, [...this.#recent(client, taking.at), taking]);
  }

  #recent(client: string, at: number): Taking[] {
    const since = at - this.#horizonMs;
    // A crowd of addresses cannot grow the table without bound: every client is swept once a horizon.
    if (at - this.#lastSweep > this.#horizonMs) {
      for (const [key, list] of this.#takings) if (!list.some((t) => t.at > since)) this.#takings.delete(key);
      this.#lastSweep = at;
    }
    const list = (this.#takings.get(client) ?? []).filter((t) => t.at > since);
    if (list.length > 0) this.#takings.set(client, list);
    else this.#takings.delete(client);
    return list;
  }
}
