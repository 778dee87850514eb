import type { Redis } from 'ioredis';
import { CHANNELS } from '../../shared/protocol.js';
import { apiError } from '../../shared/errors.js';
import type { Logger } from '../log.js';
import { closeRedis, connectRedis, waitReady } from '../redis/connect.js';
import { deadLetter } from './dead-letter.js';
import type { Intake, Kind } from './intake.js';

/** Larger messages are refused before JSON.parse sees them. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

const KIND_BY_CHANNEL: Record<string, Kind> = { [CHANNELS.orders]: 'order', [CHANNELS.machines]: 'machine' };

/**
 * The fire-and-forget door: `batchboard:orders` and `batchboard:machines`.
 * Every hub subscribes; the store's last-write-wins makes the second hub's
 * copy of a message a duplicate, so it changes the board once.
 */
export class PubSubDoor {
  #client: Redis;
  #intake: Intake;
  #log: Logger;
  #deadLetters: Redis;
  #subscribed = false;

  /** `deadLetters`: a command connection (this door's own is in subscriber mode). */
  constructor(url: string, intake: Intake, log: Logger, deadLetters: Redis) {
    this.#client = connectRedis(url, 'ingest', log);
    this.#intake = intake;
    this.#log = log;
    this.#deadLetters = deadLetters;
  }

  async start(): Promise<void> {
    this.#client.on('message', (channel: string, message: string) => this.#receive(channel, message));
    await waitReady(this.#client);
    await this.#client.subscribe(CHANNELS.orders, CHANNELS.machines);
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
    this.#intake.submitText('redis_pubsub', kind, message).then(
      (result) => {
        if (!result.ok && result.error.code === 'store_unavailable') {
          this.#log.error(
            { channel, err: result.error.message },
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
    await closeRedis(this.#client);
  }
}
