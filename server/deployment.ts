import { createAdapter } from '@socket.io/redis-adapter';
import type { Server } from 'socket.io';
import type { Config } from './config.js';
import type { Intake } from './ingest/intake.js';
import { PubSubDoor } from './ingest/redis-pubsub.js';
import { InboxDoor } from './ingest/redis-stream.js';
import type { Logger } from './log.js';
import { EmbeddedState } from './state/embedded/embedded-state.js';
import { RedisState } from './state/redis/redis-state.js';
import type { HubState, StateOptions } from './state/state.js';

/** A door that reads from the state's own transport (Redis pub/sub, the inbox stream). */
export interface StateDoor {
  /** Its name on /readyz. */
  readonly name: string;
  readonly up: boolean;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * How this hub is deployed: alone on local disk, or one of several on Redis. The one place that decides
 * (REDIS_URL set or not); everything else takes what this hands out.
 */
export interface Deployment {
  readonly state: HubState;
  /** The doors only this deployment has (none embedded), built on the state's connections. */
  readonly doors: (intake: Intake, opts: { consumer: string; claimIdleMs: number }) => StateDoor[];
  /** Lets hubs broadcast to each other's sockets (none embedded: socket.io's in-memory adapter). */
  readonly adapt: (io: Server) => void;
}

export function openDeployment(config: Pick<Config, 'redisUrl' | 'dataDir' | 'shop'>, log: Logger, now?: () => number): Deployment {
  const opts: StateOptions = {
    dataDir: config.dataDir,
    eventLog: config.shop.eventLog,
    maxActiveOrders: config.shop.board.maxActiveOrders,
    ...(now ? { now } : {}),
  };
  return config.redisUrl ? onRedis(new RedisState(config.redisUrl, log, opts), log) : alone(new EmbeddedState(log, opts));
}

function alone(state: EmbeddedState): Deployment {
  return { state, doors: () => [], adapt: () => undefined };
}

function onRedis(state: RedisState, log: Logger): Deployment {
  const { commands, subscriber, stream } = state.connections;
  return {
    state,
    doors: (intake, opts) => [new PubSubDoor(subscriber, commands, intake, log), new InboxDoor(stream, commands, intake, log, opts)],
    // No waiting for Redis here: with Redis down at start, HTTP must still come up and say so on /readyz.
    adapt: (io) => void io.adapter(createAdapter(commands, subscriber, { key: 'batchboard:socket.io' })),
  };
}
