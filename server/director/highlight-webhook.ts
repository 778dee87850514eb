import type { Highlight } from '../../shared/schemas/director.js';
import type { Translator } from '../../shared/text/translator.js';
import type { Logger } from '../log.js';
import { postWithRetries } from '../insight/webhook-post.js';

export interface HighlightWebhookOptions {
  url: string;
  timeoutMs: number;
  retries: number;
  /** At most this many posts an hour; beyond it they are dropped and counted, never queued without end. */
  perHour: number;
}

/** What is POSTed for one highlight: the highlight itself, and a sentence for the chat in the store's language. */
export interface HighlightPost {
  type: 'highlight';
  highlight: Highlight;
  message: string;
}

/** Posts waiting for a slow receiver; beyond this they are dropped. */
const QUEUE = 30;
const HOUR_MS = 3_600_000;

/** A highlight in a sentence, in the store's language: what happened, and the orders it shows. */
export function highlightMessage(h: Highlight, words: Translator, machineName: (id: string) => string): string {
  const said =
    h.cause !== 'rule'
      ? words.t('highlight.staff', { by: h.by ?? h.cause })
      : h.event
        ? words.t('highlight.run', { event: h.event })
        : words.t('highlight.machine', { machine: machineName(h.machine ?? ''), state: h.state ? words.t(`machine.state.${h.state}`) : '' });
  return h.orders.length > 0
    ? words.t('highlight.orders', { message: said, orders: new Intl.ListFormat(words.locale, { type: 'conjunction' }).format(h.orders) })
    : said;
}

/**
 * Posts highlights to the social team's chat, one at a time, in the background: each post has a timeout and a
 * few retries, a receiver that hangs never holds up the hub, and the hook has its own hourly budget (apart
 * from the alert webhook's): beyond it posts are dropped, counted and logged once a minute.
 */
export class HighlightWebhook {
  #opts: HighlightWebhookOptions;
  #log: Logger;
  #onDrop: () => void;
  #queue: HighlightPost[] = [];
  #sentAt: number[] = [];
  #loggedAt = 0;
  #running = false;
  #closed = false;

  constructor(opts: HighlightWebhookOptions, log: Logger, onDrop: () => void = () => undefined) {
    this.#opts = opts;
    this.#log = log;
    this.#onDrop = onDrop;
  }

  send(post: HighlightPost): void {
    if (this.#closed) return;
    const now = Date.now();
    this.#sentAt = this.#sentAt.filter((t) => now - t < HOUR_MS);
    if (this.#sentAt.length >= this.#opts.perHour || this.#queue.length >= QUEUE) {
      this.#onDrop();
      if (now - this.#loggedAt >= 60_000) {
        this.#loggedAt = now;
        this.#log.warn({ perHour: this.#opts.perHour }, 'highlights webhook: over its budget; dropping highlights until the hour has room');
      }
      return;
    }
    this.#sentAt.push(now);
    this.#queue.push(post);
    if (!this.#running) void this.#drain();
  }

  close(): void {
    this.#closed = true;
    this.#queue = [];
  }

  async #drain(): Promise<void> {
    this.#running = true;
    for (let post = this.#queue.shift(); post && !this.#closed; post = this.#queue.shift()) await this.#post(post);
    this.#running = false;
  }

  async #post(post: HighlightPost): Promise<void> {
    const sent = await postWithRetries({ ...this.#opts, body: JSON.stringify(post), closed: () => this.#closed }, this.#log, 'highlights webhook');
    if (sent || this.#closed) return;
    this.#log.error({ file: post.highlight.file }, 'highlights webhook: gave up on one highlight after its retries');
  }
}
