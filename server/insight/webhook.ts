import { ALERT_KINDS, type AlertCode, type AlertKind, type AlertParams } from '../../shared/schemas/insight.js';
import type { Logger } from '../log.js';
import { postWithRetries } from './webhook-post.js';

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
  retries: number;
  /** At most this many posts a minute of each alert kind; beyond it they are dropped and counted, never queued without end. */
  perMinute?: number;
}

/**
 * What is POSTed for one alert transition: `code` and `params` for a receiver that words it itself,
 * `message` the readable sentence for a chat (server/insight/alert-text.ts), `kind` the same as `code`
 * (kept for receivers written before `code`).
 */
export type WebhookPost = {
  [C in AlertCode]: {
    state: 'raised' | 'cleared';
    at: number;
    alert: string;
    kind: C;
    code: C;
    params: AlertParams[C];
    message: string;
    since: number;
  };
}[AlertCode];

/** Posts of one kind waiting for the receiver; beyond this they are dropped (a receiver that hangs must not grow a queue). */
const QUEUE_PER_KIND = 30;

interface Lane {
  queue: WebhookPost[];
  sentAt: number[];
  /** When this kind last logged a drop: once a minute per kind is enough to see it. */
  loggedAt: number;
}

/**
 * Posts alert transitions to a URL, one at a time, in the background: each
 * post has a timeout and a few retries with growing delays, and a receiver
 * that hangs or fails never holds up the hub. Each alert kind has its own
 * budget and its own queue, taken in turn: a flood of one kind (screens going
 * offline) can neither use up the budget of another (a machine fault) nor
 * keep it waiting behind the whole flood.
 */
export class Webhook {
  #opts: Required<WebhookOptions>;
  #log: Logger;
  #onDrop: (kind: AlertKind) => void;
  /** In turn order: a lane that was served moves to the back. */
  #lanes = new Map<AlertKind, Lane>(ALERT_KINDS.map((kind) => [kind, { queue: [], sentAt: [], loggedAt: 0 }]));
  #running = false;
  #dropped = 0;
  #closed = false;

  constructor(opts: WebhookOptions, log: Logger, onDrop: (kind: AlertKind) => void = () => undefined) {
    this.#opts = { perMinute: 30, ...opts };
    this.#log = log;
    this.#onDrop = onDrop;
  }

  get dropped(): number {
    return this.#dropped;
  }

  send(post: WebhookPost): void {
    const now = Date.now();
    const lane = this.#lanes.get(post.kind);
    if (!lane) return;
    lane.sentAt = lane.sentAt.filter((t) => now - t < 60_000);
    if (lane.sentAt.length >= this.#opts.perMinute || lane.queue.length >= QUEUE_PER_KIND) {
      this.#dropped++;
      this.#onDrop(post.kind);
      if (now - lane.loggedAt >= 60_000) {
        lane.loggedAt = now;
        this.#log.warn(
          { kind: post.kind, perMinute: this.#opts.perMinute },
          'alert webhook: too many alerts of this kind; dropping them until things calm down',
        );
      }
      return;
    }
    lane.sentAt.push(now);
    lane.queue.push(post);
    if (!this.#running) void this.#drain();
  }

  close(): void {
    this.#closed = true;
    for (const lane of this.#lanes.values()) lane.queue = [];
  }

  async #drain(): Promise<void> {
    this.#running = true;
    for (let post = this.#next(); post && !this.#closed; post = this.#next()) await this.#post(post);
    this.#running = false;
  }

  /** The oldest post of the next kind in turn (each kind that waits gets a post before any gets a second). */
  #next(): WebhookPost | undefined {
    for (const [kind, lane] of this.#lanes) {
      const post = lane.queue.shift();
      if (!post) continue;
      // Moved to the back: the kinds behind it go first next time.
      this.#lanes.delete(kind);
      this.#lanes.set(kind, lane);
      return post;
    }
    return undefined;
  }

  async #post(post: WebhookPost): Promise<void> {
    const sent = await postWithRetries({ ...this.#opts, body: JSON.stringify(post), closed: () => this.#closed }, this.#log, 'alert webhook');
    if (sent || this.#closed) return;
    this.#log.error('alert webhook: gave up on one alert after its retries');
  }
}
