import type { Redis } from 'ioredis';
import { ScreenInfo, type ScreenQuery } from '../../shared/schemas/display.js';
import type { Logger } from '../log.js';

/** A hub refreshes its screens this often; one not refreshed for 3 periods counts as offline (its hub died). */
export const SCREEN_REFRESH_MS = 30_000;
const HASH = 'batchboard:screens';

interface ScreenTable {
  put(info: ScreenInfo): Promise<void>;
  all(): Promise<ScreenInfo[]>;
}

class MemoryTable implements ScreenTable {
  #rows = new Map<string, ScreenInfo>();
  put(info: ScreenInfo): Promise<void> {
    this.#rows.set(info.name, info);
    return Promise.resolve();
  }
  all(): Promise<ScreenInfo[]> {
    return Promise.resolve([...this.#rows.values()]);
  }
}

class RedisTable implements ScreenTable {
  constructor(private readonly redis: Redis) {}
  async put(info: ScreenInfo): Promise<void> {
    await this.redis.hset(HASH, info.name, JSON.stringify(info));
  }
  async all(): Promise<ScreenInfo[]> {
    const rows = await this.redis.hvals(HASH);
    return rows.flatMap((raw) => {
      try {
        const parsed = ScreenInfo.safeParse(JSON.parse(raw));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }
}

/**
 * The named screens (`?screen=NAME`) with their last-seen time, app version
 * and station, shared by every hub through Redis (or kept in memory when
 * embedded). Best-effort: a registry write that fails never touches a screen.
 */
export class ScreenRegistry {
  #table: ScreenTable;
  #hub: string;
  #log: Logger;
  #now: () => number;
  #local = new Map<string, ScreenInfo>();
  #timer: NodeJS.Timeout;

  constructor(redis: Redis | undefined, hub: string, log: Logger, now: () => number = Date.now) {
    this.#table = redis ? new RedisTable(redis) : new MemoryTable();
    this.#hub = hub;
    this.#log = log;
    this.#now = now;
    this.#timer = setInterval(() => {
      for (const info of this.#local.values()) if (info.online) this.#write({ ...info, lastSeen: this.#now() });
    }, SCREEN_REFRESH_MS);
    this.#timer.unref();
  }

  /** `appVersion` is what the hub serves; a page that says otherwise in its query wins. */
  connected(name: string, query: ScreenQuery, appVersion: string): void {
    const before = this.#local.get(name);
    this.#write({
      name,
      hub: this.#hub,
      online: true,
      connections: (before?.online ? before.connections : 0) + 1,
      lastSeen: this.#now(),
      appVersion: query.version ?? appVersion,
      station: query.station ?? null,
      overlay: query.overlay === '1',
    });
  }

  disconnected(name: string): void {
    const before = this.#local.get(name);
    if (!before) return;
    const connections = Math.max(0, before.connections - 1);
    this.#write({ ...before, connections, online: connections > 0, lastSeen: this.#now() });
  }

  async list(): Promise<ScreenInfo[]> {
    const now = this.#now();
    const rows = await this.#table.all();
    return rows
      .map((s) => (s.online && now - s.lastSeen > 3 * SCREEN_REFRESH_MS ? { ...s, online: false, connections: 0 } : s))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #write(info: ScreenInfo): void {
    this.#local.set(info.name, info);
    this.#table.put(info).catch((err: unknown) => this.#log.debug({ err, screen: info.name }, 'screen registry write failed'));
  }
}
