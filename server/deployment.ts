import { createAdapter } from '@socket.io/redis-adapter';
import type { Server } from 'socket.io';
import type { Board } from './board/board.js';
import type { Config } from './config.js';
import type { Intake } from './ingest/intake.js';
import { MqttDoor } from './ingest/mqtt-door.js';
import { PubSubDoor } from './ingest/redis-pubsub.js';
import { InboxDoor } from './ingest/redis-stream.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { EmbeddedState } from './state/embedded/embedded-state.js';
import { RedisState } from './state/redis/redis-state.js';
import type { HubState, StateOptions } from './state/state.js';

/** A door that reads from the state's own transport (Redis pub/sub, the inbox stream), or from the store's MQTT broker. */
export interface StateDoor {
  /** Its name on /readyz. */
  readonly name: string;
  readonly up: boolean;
  /** Reported on /readyz without making the hub unready while down (a broker outside the hub: the MQTT door). */
  readonly advisory?: boolean;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * How this hub is deployed: alone on local disk, or one of several on Redis. The one place that decides
 * (REDIS_URL set or not); everything else takes what this hands out.
 */
export interface Deployment {
  readonly state: HubState;
  /**
   * The doors this hub reads from: those only this deployment has (none embedded), built on the state's connections,
   * and the MQTT door in either deployment when `mqtt` is configured. `claimIdleMs`: the inbox take-over delay (tests shorten it).
   */
  readonly doors: (parts: DoorParts, claimIdleMs?: number) => StateDoor[];
  /** Lets hubs broadcast to each other's sockets (none embedded: socket.io's in-memory adapter). */
  readonly adapt: (io: Server) => void;
}

/** What a door hands its input to, and what the MQTT door reads the held machines from. */
export interface DoorParts {
  readonly intake: Intake;
  readonly board: Board;
  readonly metrics: Metrics;
}

type DeploymentConfig = Pick<Config, 'redisUrl' | 'dataDir' | 'shop' | 'hubId' | 'mqtt'>;

export function openDeployment(config: DeploymentConfig, log: Logger, now?: () => number): Deployment {
  const opts: StateOptions = {
    dataDir: config.dataDir,
    eventLog: config.shop.eventLog,
    maxActiveOrders: config.shop.board.maxActiveOrders,
    ...(now ? { now } : {}),
  };
  const deployment = config.redisUrl ? onRedis(new RedisState(config.redisUrl, log, opts), config, log) : alone(new EmbeddedState(log, opts));
  const { mqtt } = config;
  if (!mqtt) return deployment;
  return { ...deployment, doors: (parts, claimIdleMs) => [...deployment.doors(parts, claimIdleMs), new MqttDoor(mqtt, { ...parts, log })] };
}

function alone(state: EmbeddedState): Deployment {
  return { state, doors: () => [], adapt: () => undefined };
}

function onRedis(state: RedisState, config: DeploymentConfig, log: Logger): Deployment {
  const { commands, subscriber, stream } = state.connections;
  return {
    state,
    doors: ({ intake }, claimIdleMs = config.shop.inbox.claimIdleSeconds * 1000) => [
      new PubSubDoor(subscriber, commands, intake, log),
      new InboxDoor(stream, commands, intake, log, { consumer: config.hubId, claimIdleMs }),
    ],
    // No waiting for Redis here: with Redis down at start, HTTP must still come up and say so on /readyz.
    adapt: (io) => void io.adapter(createAdapter(commands, subscriber, { key: 'batchboard:socket.io' })),
  };
}
