import type { Redis } from 'ioredis';
import { INBOX_STREAM } from '../../shared/protocol.js';
import { apiError } from '../../shared/errors.js';
import type { Logger } from '../log.js';
import { waitReady } from '../state/redis/connect.js';
import type { Intake, Kind } from './intake.js';
import { deadLetter } from './dead-letter.js';
import { CLAIM, READ, TOO_LARGE_MARK, TRIM } from './inbox-scripts.js';
import { MAX_MESSAGE_BYTES } from './redis-pubsub.js';

export const INBOX_GROUP = 'batchboard-hubs';
/** The field an entry names its kind by. A footfall delivered again (a hub died before its ack) is logged once: its idempotency key. */
const INBOX_KINDS = ['order', 'machine', 'footfall'] as const satisfies readonly Kind[];

/** Entries read in one go: a hub holds at most this many (each clipped to 64 KB) at once. */
const READ_COUNT = 10;
/** With nothing new, the next look comes this soon (the inbox's added latency at most). */
const IDLE_PAUSE_MS = 50;
const TRIM_EVERY_MS = 5_000;
/** Reads failing this long make the door down on /readyz. */
const DOWN_AFTER_MS = 3_000;

export interface InboxOptions {
  /** This hub's consumer name in the group. */
  consumer: string;
  /** Entries another consumer has held this long unacknowledged are taken over (that hub died). */
  claimIdleMs?: number;
  /** With nothing new, the next look after this long. */
  idleMs?: number;
}

type Entry = [id: string, fields: string[] | null];

/**
 * The durable door: `XADD batchboard:inbox * order '<json>'` (or `machine`, or `footfall`).
 * A consumer group shares the entries among hubs; an entry is acknowledged
 * only after the store took it, or after it was refused as invalid, so
 * nothing is lost to a crash or an outage and a poison entry cannot loop.
 * The group starts at 0, so what was added before any hub ran is applied.
 */
export class InboxDoor {
  readonly name = 'redis_stream';
  #client: Redis;
  #commands: Redis;
  #intake: Intake;
  #log: Logger;
  #consumer: string;
  #claimIdleMs: number;
  #idleMs: number;
  #closed = false;
  #loop: Promise<void> | undefined;
  #lastClaim = 0;
  #lastTrim = 0;
  #wake: () => void = () => undefined;
  /** It has read at least once; and since when its reads fail, if they do. */
  #reading = false;
  #failingSince: number | undefined;

  /**
   * `stream`: the connection its read loop has to itself (it ends it on close, which also ends a read that
   * waits on a Redis that is away); `commands`: for setting entries aside.
   */
  constructor(stream: Redis, commands: Redis, intake: Intake, log: Logger, opts: InboxOptions) {
    this.#client = stream;
    this.#commands = commands;
    this.#intake = intake;
    this.#log = log;
    this.#consumer = opts.consumer;
    this.#claimIdleMs = opts.claimIdleMs ?? 30_000;
    this.#idleMs = opts.idleMs ?? IDLE_PAUSE_MS;
  }

  /** Resolves after the first pass of the read loop, so /readyz says up as soon as the hub says it listens. */
  async start(): Promise<void> {
    await waitReady(this.#client);
    await new Promise<void>((firstPass) => {
      this.#loop = this.#run(firstPass);
    });
  }

  async #run(firstPass: () => void): Promise<void> {
    let failures = 0;
    let drainOwnPending = true;
    let groupReady = false;
    while (!this.#closed) {
      try {
        if (!groupReady) {
          await this.#ensureGroup();
          groupReady = true;
        }
        if (drainOwnPending) {
          // After a start or an error, first finish what this consumer had read but not acknowledged.
          const entries = await this.#read('0', undefined);
          if (entries.length === 0) drainOwnPending = false;
          await this.#handleAll(entries);
        } else {
          await this.#claimAbandoned();
          await this.#handleAll(await this.#read('>', this.#idleMs));
        }
        failures = 0;
        this.#reading = true;
        this.#failingSince = undefined;
        firstPass();
      } catch (err) {
        this.#failingSince ??= Date.now();
        firstPass();
        if (this.#closed) break;
        const message = err instanceof Error ? err.message : String(err);
        if (message.includes('NOGROUP')) groupReady = false;
        drainOwnPending = true;
        const delay = Math.min(100 * 2 ** failures++, 2_000);
        if (failures <= 1) this.#log.warn({ err: message }, 'inbox read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    firstPass();
  }

  /**
   * Reading: it has read, and its reads have not been failing for DOWN_AFTER_MS (one timed-out read on a
   * busy Redis must not take every hub out of a balancer at once; a lost group or Redis away does).
   */
  get up(): boolean {
    if (!this.#reading || this.#closed) return false;
    return this.#failingSince === undefined || Date.now() - this.#failingSince < DOWN_AFTER_MS;
  }

  async #ensureGroup(): Promise<void> {
    try {
      await this.#client.xgroup('CREATE', INBOX_STREAM, INBOX_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('BUSYGROUP')) throw err;
    }
  }

  /**
   * A few entries at a time, each field clipped inside Redis (inbox-scripts.ts): a producer's
   * oversized entries cannot make the hub hold megabytes. Nothing new: a short pause, not a blocking
   * read, since a blocking XREADGROUP would hand over whole entries, however large.
   */
  async #read(id: '0' | '>', idleMs: number | undefined): Promise<Entry[]> {
    const reply = await this.#client.eval(READ, 1, INBOX_STREAM, INBOX_GROUP, this.#consumer, READ_COUNT, id, MAX_MESSAGE_BYTES);
    const entries = asEntries(reply);
    if (entries.length === 0 && idleMs !== undefined) await this.#pause(idleMs);
    await this.#trimNowAndThen();
    return entries;
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Acknowledged entries are trimmed away every few seconds: the inbox stays as long as what is pending. */
  async #trimNowAndThen(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastTrim < TRIM_EVERY_MS) return;
    this.#lastTrim = now;
    await this.#client.eval(TRIM, 1, INBOX_STREAM);
  }

  async #claimAbandoned(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastClaim < this.#claimIdleMs / 2) return;
    this.#lastClaim = now;
    const reply = await this.#client.eval(CLAIM, 1, INBOX_STREAM, INBOX_GROUP, this.#consumer, this.#claimIdleMs, READ_COUNT, MAX_MESSAGE_BYTES);
    const entries = asEntries(reply);
    if (entries.length > 0) this.#log.info({ count: entries.length }, 'took over inbox entries abandoned by another hub');
    await this.#handleAll(entries);
  }

  async #handleAll(entries: Entry[]): Promise<void> {
    for (const [id, fields] of entries) {
      await this.#handle(id, fields);
      await this.#client.xack(INBOX_STREAM, INBOX_GROUP, id);
    }
  }

  async #handle(id: string, fields: string[] | null): Promise<void> {
    if (!fields) return; // trimmed away while pending: nothing left to apply
    const at = fields.findIndex((f, i) => i % 2 === 0 && (INBOX_KINDS as readonly string[]).includes(f));
    const payload = at >= 0 ? fields[at + 1] : undefined;
    if (at < 0 || payload === undefined) {
      const issues = [{ field: 'order', problem: 'required' as const, options: [...INBOX_KINDS] }];
      this.#intake.reject('redis_stream', 'unknown_kind', apiError('invalid_input', { issues }, `entry ${id} has no 'order', 'machine' or 'footfall' field`));
      return;
    }
    if (payload.startsWith(TOO_LARGE_MARK) || Buffer.byteLength(payload) > MAX_MESSAGE_BYTES) {
      this.#intake.reject(
        'redis_stream',
        'too_large',
        apiError('too_large', { maxBytes: MAX_MESSAGE_BYTES }, `entry ${id} is over ${MAX_MESSAGE_BYTES} bytes`),
      );
      return;
    }
    const result = await this.#intake.submitText('redis_stream', fields[at] as Kind, payload);
    // Not acknowledged: the entry stays pending and is read again once the store is back.
    if (!result.ok && result.error.code === 'store_unavailable') throw new Error(result.error.message);
    // Poison (the store refused this entry itself), or no room on the board: set aside and acknowledged, so what
    // follows is applied; a refused order is kept for a human to replay, not lost.
    if (!result.ok && (result.error.code === 'store_refused' || result.error.code === 'board_full')) {
      await deadLetter(this.#commands, this.#log, { door: 'redis_stream', kind: fields[at]!, payload, reason: result.error.message, entry: id });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake();
    this.#client.disconnect();
    await this.#loop?.catch(() => undefined);
  }
}

function asEntries(list: unknown): Entry[] {
  if (!Array.isArray(list)) return [];
  const out: Entry[] = [];
  for (const item of list) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    const fields: unknown = item[1];
    out.push([item[0], Array.isArray(fields) ? fields.map((f) => (typeof f === 'string' ? f : String(f))) : null]);
  }
  return out;
}
