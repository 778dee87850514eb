import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';

/** Where the Redis doors keep what a store step refused, for an operator to inspect (`XRANGE`). */
export const DEAD_LETTER_STREAM = 'batchboard:inbox:dead';
/** About this many entries are kept: a flood of poison cannot fill Redis. */
const KEEP = 10_000;

export interface DeadLetter {
  door: 'redis_pubsub' | 'redis_stream';
  kind: string;
  payload: string;
  reason: string;
  /** The inbox entry's id, when it came from the inbox. */
  entry?: string;
}

/**
 * Keeps a refused input aside so that it never blocks what follows. Best effort: a failure to keep it
 * is logged, and the input is let go all the same (it was counted as poison by the intake).
 */
export async function deadLetter(redis: Redis, log: Logger, letter: DeadLetter): Promise<void> {
  const fields = [
    'door',
    letter.door,
    'kind',
    letter.kind,
    'reason',
    letter.reason.slice(0, 500),
    'payload',
    letter.payload,
    ...(letter.entry ? ['entry', letter.entry] : []),
  ];
  await redis
    .xadd(DEAD_LETTER_STREAM, 'MAXLEN', '~', KEEP, '*', ...fields)
    .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not keep a refused input in the dead-letter stream'));
}
