import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../log.js';

/** The hub's three (state/redis/connections.ts); `tool` for a command-line script's own. */
export type RedisRole = 'commands' | 'subscriber' | 'stream' | 'tool';

/**
 * One Redis connection for one purpose. Every connection reconnects forever
 * with a growing, jittered delay; errors are logged once per outage, not once
 * per retry, so a Redis that is down for an hour does not flood the log.
 */
export function connectRedis(url: string, role: RedisRole, log: Logger, extra: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    connectionName: `batchboard-${role}`,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000) + Math.floor(Math.random() * 250),
    ...extra,
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ role, err: err.message }, 'redis connection lost; retrying');
  });
  client.on('ready', () => {
    if (down) log.info({ role }, 'redis connection restored');
    down = false;
  });
  return quietSubscriptions(client);
}

export function waitReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

/**
 * Closes connections politely (QUIT) but never waits long for it: a client
 * still reconnecting after an outage would hold QUIT in its queue, and a hub
 * that is shutting down must not hang on that.
 */
export async function closeRedis(...clients: Redis[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000)));
  await Promise.race([Promise.allSettled(clients.map((c) => c.quit())), bound]);
  clearTimeout(timer);
  for (const c of clients) c.disconnect();
}

/**
 * Calls made on a client's behalf that nobody waits for: ioredis subscribes again by itself after a
 * reconnect, and socket.io's Redis adapter unsubscribes when it closes, neither with a listener. A client
 * stopped just then (a hub stopped right after a Redis restart) rejects them with nobody listening, an
 * unhandled rejection. Each such call is given a listener; callers still get the same promise.
 */
function quietSubscriptions(client: Redis): Redis {
  // `publish`: socket.io's Redis adapter publishes on the commands connection and never awaits it either.
  for (const name of ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe', 'publish'] as const) {
    const original = client[name].bind(client) as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(client, name, {
      value: (...args: unknown[]) => {
        const pending = original(...args);
        pending.catch(() => undefined);
        return pending;
      },
    });
  }
  return client;
}
