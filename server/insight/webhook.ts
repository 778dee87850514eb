import type { Logger } from '../log.js';

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
  retries: number;
  /** At most this many posts a minute; beyond it they are dropped and counted, never queued without end. */
  perMinute?: number;
}

const QUEUE_MAX = 100;

/**
 * Posts alert transitions to a URL, one at a time, in the background: each
 * post has a timeout and a few retries with growing delays, and a receiver
 * that hangs or fails never holds up the hub.
 */
export class Webhook {
  #opts: Required<WebhookOptions>;
  #log: Logger;
  #queue: unknown[] = [];
  #running = false;
  #sentAt: number[] = [];
  #dropped = 0;
  #closed = false;

  constructor(opts: WebhookOptions, log: Logger) {
    this.#opts = { perMinute: 30, ...opts };
    this.#log = log;
  }

  get dropped(): number {
    return this.#dropped;
  }

  send(payload: unknown): void {
    const now = Date.now();
    this.#sentAt = this.#sentAt.filter((t) => now - t < 60_000);
    if (this.#sentAt.length >= this.#opts.perMinute || this.#queue.length >= QUEUE_MAX) {
      if (this.#dropped++ === 0) this.#log.warn('alert webhook: too many alerts; dropping until things calm down');
      return;
    }
    this.#sentAt.push(now);
    this.#queue.push(payload);
    if (!this.#running) void this.#drain();
  }

  close(): void {
    this.#closed = true;
    this.#queue = [];
  }

  async #drain(): Promise<void> {
    this.#running = true;
    while (this.#queue.length > 0 && !this.#closed) {
      const payload = this.#queue.shift();
      await this.#post(payload);
    }
    this.#running = false;
  }

  async #post(payload: unknown): Promise<void> {
    const body = JSON.stringify(payload);
    for (let attempt = 0; attempt <= this.#opts.retries && !this.#closed; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5_000)));
      try {
        const res = await fetch(this.#opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.#opts.timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return;
        this.#log.warn({ status: res.status, attempt }, 'alert webhook refused the post');
      } catch (err) {
        this.#log.warn({ err: (err as Error).message, attempt }, 'alert webhook post failed');
      }
    }
    this.#log.error('alert webhook: gave up on one alert after its retries');
  }
}
