import type { Redis } from 'ioredis';
import { CHANNELS } from '../../shared/protocol.js';
import { apiError } from '../../shared/errors.js';
import type { Logger } from '../log.js';
import { waitReady } from '../state/redis/connect.js';
import { deadLetter } from './dead-letter.js';
import type { Intake, Kind } from './intake.js';

/** Larger messages are refused before JSON.parse sees them. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

const KIND_BY_CHANNEL: Record<string, Kind> = { [CHANNELS.orders]: 'order', [CHANNELS.machines]: 'machine', [CHANNELS.footfall]: 'footfall' };

/**
 * A message the store could not take (a command timed out: a busy or briefly frozen Redis) is tried again
 * after these waits before it is lost. Safe: a write is decided by its updatedAt, so a retry that comes
 * after a newer change is a stale no-op. Bounded: at most MAX_RETRYING messages wait at once.
 */
export const RETRY_DELAYS_MS = [250, 1_000, 3_000] as const;
export const MAX_RETRYING = 1_000;

/**
 * The fire-and-forget door: `batchboard:orders`, `batchboard:machines` and `batchboard:footfall`.
 * Every hub subscribes; the store's last-write-wins makes the second hub's
 * copy of a message a duplicate, so it changes the board once (a footfall's idempotency key logs it once).
 */
export class PubSubDoor {
  readonly name = 'redis_pubsub';
  #client: Redis;
  #intake: Intake;
  #log: Logger;
  #deadLetters: Redis;
  #subscribed = false;
  #retries = new Set<NodeJS.Timeout>();
  #closed = false;

  #onMessage = (channel: string, message: string): void => this.#receive(channel, message);

  /** `subscriber`: the hub's shared subscriber connection; `deadLetters`: a command connection (a subscriber runs no commands). */
  constructor(subscriber: Redis, deadLetters: Redis, intake: Intake, log: Logger) {
    this.#client = subscriber;
    this.#intake = intake;
    this.#log = log;
    this.#deadLetters = deadLetters;
  }

  async start(): Promise<void> {
    this.#client.on('message', this.#onMessage);
    await waitReady(this.#client);
    await this.#client.subscribe(...Object.values(CHANNELS));
    this.#subscribed = true;
  }

  /** Subscribed and connected (ioredis subscribes again by itself after a reconnect, before 'ready'). */
  get up(): boolean {
    return this.#subscribed && this.#client.status === 'ready';
  }

  #receive(channel: string, message: string): void {
    const kind = KIND_BY_CHANNEL[channel];
    if (!kind) return;
    if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
      this.#intake.reject(
        'redis_pubsub',
        'too_large',
        apiError('too_large', { maxBytes: MAX_MESSAGE_BYTES }, `message of ${message.length} characters is over ${MAX_MESSAGE_BYTES} bytes`),
      );
      return;
    }
    this.#submit(channel, kind, message, 0);
  }

  #submit(channel: string, kind: Kind, message: string, attempt: number): void {
    this.#intake.submitText('redis_pubsub', kind, message).then(
      (result) => {
        if (!result.ok && result.error.code === 'store_unavailable') {
          const wait = RETRY_DELAYS_MS[attempt];
          // A door that has closed starts no new wait: an answer that comes back during close() is the last.
          if (wait !== undefined && !this.#closed && this.#retries.size < MAX_RETRYING) {
            const timer = setTimeout(() => {
              this.#retries.delete(timer);
              this.#submit(channel, kind, message, attempt + 1);
            }, wait);
            this.#retries.add(timer);
            return;
          }
          this.#log.error(
            { channel, err: result.error.message, attempts: attempt + 1 },
            'pub/sub message lost: the store was unavailable (use the inbox stream for delivery that survives outages)',
          );
        }
        if (!result.ok && (result.error.code === 'store_refused' || result.error.code === 'board_full')) {
          void deadLetter(this.#deadLetters, this.#log, { door: 'redis_pubsub', kind, payload: message, reason: result.error.message });
        }
      },
      (err: unknown) => this.#log.error({ err, channel }, 'pub/sub message failed'),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#retries) clearTimeout(timer);
    this.#retries.clear();
    // The connection is shared: this door only leaves its channels.
    this.#client.off('message', this.#onMessage);
    // Not awaited: with Redis away it would wait in the offline queue; the hub closes the connection next anyway.
    if (this.#subscribed) void this.#client.unsubscribe(...Object.values(CHANNELS)).catch(() => undefined);
    this.#subscribed = false;
    await Promise.resolve();
  }
}
