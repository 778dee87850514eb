import type { Redis } from 'ioredis';
import { ScreenName, ScreenSeen } from '../../../shared/schemas/display.js';
import { parseJson } from '../../../shared/parse-json.js';
import type { ScreenRows, ScreenTable } from '../screen-table.js';

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
