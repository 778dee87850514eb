import type { DeliveryTable } from '../delivery-table.js';

/** Deliveries one hub remembers: past it, the oldest are forgotten first. */
export const MAX_REMEMBERED_DELIVERIES = 100_000;

/**
 * Embedded: in memory, bounded in time (each key's expiry) and in entries. A restart forgets them: a POS that
 * retries across a restart has its delivery applied again, which the board's last-write-wins makes a no-op
 * whenever the mapped order carries the source's own time (the Shopify preset does).
 */
export class MemoryDeliveryTable implements DeliveryTable {
  readonly #expiry = new Map<string, number>();
  constructor(
    private readonly now: () => number = Date.now,
    private readonly max = MAX_REMEMBERED_DELIVERIES,
  ) {}

  claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const until = this.#expiry.get(key);
    if (until !== undefined && until > now) return Promise.resolve(false);
    this.#expiry.delete(key);
    if (this.#expiry.size >= this.max) this.#forget(now);
    this.#expiry.set(key, now + ttlMs);
    return Promise.resolve(true);
  }

  confirm(key: string, ttlMs: number): Promise<void> {
    this.#expiry.set(key, this.now() + ttlMs);
    return Promise.resolve();
  }

  release(key: string): Promise<void> {
    this.#expiry.delete(key);
    return Promise.resolve();
  }

  get size(): number {
    return this.#expiry.size;
  }

  /** The expired ones, and if that is not enough, the oldest tenth (a Map keeps the order keys came in). */
  #forget(now: number): void {
    for (const [key, until] of this.#expiry) if (until <= now) this.#expiry.delete(key);
    if (this.#expiry.size < this.max) return;
    let drop = Math.max(1, Math.floor(this.max / 10));
    for (const key of this.#expiry.keys()) {
      if (drop-- <= 0) break;
      this.#expiry.delete(key);
    }
  }
}
