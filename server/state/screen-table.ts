import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ScreenName, ScreenSeen } from '../../shared/schemas/display.js';
import { replaceFile } from '../files/durable-file.js';
import { parseJson } from '../../shared/parse-json.js';

/** The names staff added (name → when), and what the hubs saw of those screens. */
export interface ScreenRows {
  added: Map<string, number>;
  seen: ScreenSeen[];
}

/**
 * Where the screens staff added are kept, with what was seen of them. A row of what was seen is
 * written only for a name that is added, in the same step as the check: a screen that staff removed
 * (on any hub) cannot be written back by a hub that still holds it, and a name nobody added leaves
 * no trace, however many connect.
 */
export interface ScreenTable {
  /** Answers false when the name was already there. */
  add(name: string, at: number): Promise<boolean>;
  /** Forgets the name and what was seen of it; answers false when it was not there. */
  remove(name: string): Promise<boolean>;
  added(): Promise<Map<string, number>>;
  /** Writes the row if its name is added, else nothing. */
  putSeen(row: ScreenSeen): Promise<void>;
  rows(): Promise<ScreenRows>;
}

const NAMES = 'batchboard:screens:names';
const SEEN = 'batchboard:screens';

const PUT_IF_ADDED = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  return 1
end
return 0`;

/** Rows for names that are not added: left by a version of the hub that kept every name it was told. */
const DROP_UNADDED = `
local dropped = 0
for _, name in ipairs(redis.call('HKEYS', KEYS[2])) do
  if redis.call('HEXISTS', KEYS[1], name) == 0 then
    redis.call('HDEL', KEYS[2], name)
    dropped = dropped + 1
  end
end
return dropped`;

export class RedisScreenTable implements ScreenTable {
  constructor(private readonly redis: Redis) {}

  async add(name: string, at: number): Promise<boolean> {
    return (await this.redis.hsetnx(NAMES, name, String(at))) === 1;
  }

  async remove(name: string): Promise<boolean> {
    const replies = await this.redis.multi().hdel(NAMES, name).hdel(SEEN, name).exec();
    return replies?.[0]?.[1] === 1;
  }

  async added(): Promise<Map<string, number>> {
    return namesOf(await this.redis.hgetall(NAMES));
  }

  async putSeen(row: ScreenSeen): Promise<void> {
    await this.redis.eval(PUT_IF_ADDED, 2, NAMES, SEEN, row.name, JSON.stringify(row));
  }

  async rows(): Promise<ScreenRows> {
    const replies = await this.redis.multi().hgetall(NAMES).hgetall(SEEN).exec();
    const [names, seen] = (replies ?? []).map(([err, value]) => {
      if (err) throw err;
      return value as Record<string, string>;
    });
    const added = namesOf(names ?? {});
    const rows = Object.values(seen ?? {}).flatMap((raw) => parseJson(ScreenSeen, raw) ?? []);
    if (Object.keys(seen ?? {}).some((name) => !added.has(name))) await this.redis.eval(DROP_UNADDED, 2, NAMES, SEEN);
    return { added, seen: rows.filter((r) => added.has(r.name)) };
  }
}

function namesOf(hash: Record<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, at] of Object.entries(hash)) if (ScreenName.safeParse(name).success && Number.isSafeInteger(Number(at))) out.set(name, Number(at));
  return out;
}

const NamesFile = z.object({ added: z.record(ScreenName, z.number().int()) });

/**
 * Embedded: the added names in `DATA_DIR/screens.json` (rewritten whole; it is small), what was
 * seen in memory (one hub holds every screen, and finds out again as they reconnect).
 */
export class FileScreenTable implements ScreenTable {
  #file: string;
  #added = new Map<string, number>();
  #seen = new Map<string, ScreenSeen>();

  constructor(dataDir: string, warn: (message: string) => void) {
    this.#file = path.join(dataDir, 'screens.json');
    if (!existsSync(this.#file)) return;
    let text = '';
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch {
      // unreadable: the same as damaged, below
    }
    const names = parseJson(NamesFile, text);
    // A damaged file costs staff adding their screens again, never the hub its start.
    if (!names) {
      warn(`${this.#file} is unreadable; starting with no screens added`);
      return;
    }
    for (const [name, at] of Object.entries(names.added)) this.#added.set(name, at);
  }

  add(name: string, at: number): Promise<boolean> {
    if (this.#added.has(name)) return Promise.resolve(false);
    this.#added.set(name, at);
    this.#save();
    return Promise.resolve(true);
  }

  remove(name: string): Promise<boolean> {
    this.#seen.delete(name);
    if (!this.#added.delete(name)) return Promise.resolve(false);
    this.#save();
    return Promise.resolve(true);
  }

  added(): Promise<Map<string, number>> {
    return Promise.resolve(new Map(this.#added));
  }

  putSeen(row: ScreenSeen): Promise<void> {
    if (this.#added.has(row.name)) this.#seen.set(row.name, row);
    return Promise.resolve();
  }

  rows(): Promise<ScreenRows> {
    return Promise.resolve({ added: new Map(this.#added), seen: [...this.#seen.values()] });
  }

  #save(): void {
    replaceFile(this.#file, JSON.stringify({ added: Object.fromEntries(this.#added) }), { private: true });
  }
}
