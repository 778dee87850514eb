import { randomUUID } from 'node:crypto';
import type { Claim, DeliveryTable } from '../delivery-table.js';

/** Deliveries one hub remembers: past it, the oldest are forgotten first. */
export const MAX_REMEMBERED_DELIVERIES = 100_000;

/** A key's entry: until when it holds, and the claim's token while it is not confirmed (none once it is done). */
interface Entry {
  until: number;
  token: string | undefined;
}

/**
 * Embedded: in memory, bounded in time (each key's expiry) and in entries. A restart forgets them: a POS that
 * retries across a restart has its delivery applied again, which the board's last-write-wins makes a no-op
 * whenever the mapped order carries the source's own time (the Shopify preset does).
 */
export class MemoryDeliveryTable implements DeliveryTable {
  readonly #entries = new Map<string, Entry>();
  constructor(
    private readonly now: () => number = Date.now,
    private readonly max = MAX_REMEMBERED_DELIVERIES,
  ) {}

  claim(key: string, ttlMs: number): Promise<Claim> {
    const now = this.now();
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.until > now) return Promise.resolve(entry.token === undefined ? { state: 'done' } : { state: 'pending' });
    this.#entries.delete(key);
    if (this.#entries.size >= this.max) this.#forget(now);
    const token = randomUUID();
    this.#entries.set(key, { until: now + ttlMs, token });
    return Promise.resolve({ state: 'claimed', token });
  }

  confirm(key: string, token: string, ttlMs: number): Promise<void> {
    const now = this.now();
    const entry = this.#entries.get(key);
    const free = entry === undefined || entry.until <= now;
    if (free || entry.token === token) {
      this.#entries.delete(key);
      this.#entries.set(key, { until: now + ttlMs, token: undefined });
    }
    return Promise.resolve();
  }

  release(key: string, token: string): Promise<void> {
    if (this.#entries.get(key)?.token === token) this.#entries.delete(key);
    return Promise.resolve();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The expired ones, and if that is not enough, the oldest tenth (a Map keeps the order keys came in). */
  #forget(now: number): void {
    for (const [key, { until }] of this.#entries) if (until <= now) this.#entries.delete(key);
    if (this.#entries.size < this.max) return;
    let drop = Math.max(1, Math.floor(this.max / 10));
    for (const key of this.#entries.keys()) {
      if (drop-- <= 0) break;
      this.#entries.delete(key);
    }
  }
}
