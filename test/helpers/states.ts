import type { Logger } from 'pino';
import { EmbeddedState } from '../../server/state/embedded/embedded-state.js';
import { RedisState } from '../../server/state/redis/redis-state.js';
import type { HubState, StateOptions } from '../../server/state/state.js';
import { tempDir } from './hub.js';
import type { TestRedis } from './redis-server.js';

export const STATE_OPTIONS: Omit<StateOptions, 'dataDir'> = { eventLog: { maxEntries: 10_000, keepDays: 30 }, maxActiveOrders: 1_000_000 };

/**
 * Both implementations of the hub's state, each made fresh (an emptied Redis, a new DATA_DIR): the contract
 * suites run every test against each. `redis` is read when a state is made, after `beforeAll` started it.
 */
export function bothStates(redis: () => TestRedis, log: Logger, opts: Partial<StateOptions> = {}): [string, () => Promise<HubState>][] {
  return [
    ['embedded', () => Promise.resolve(new EmbeddedState(log, { ...STATE_OPTIONS, dataDir: tempDir(), ...opts }))],
    [
      'redis',
      async () => {
        const c = redis().client();
        await c.flushall();
        c.disconnect();
        return new RedisState(redis().url, log, { ...STATE_OPTIONS, dataDir: tempDir(), ...opts });
      },
    ],
  ];
}
