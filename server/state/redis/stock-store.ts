import type { Redis } from 'ioredis';
import { Order } from '../../../shared/schemas/order.js';
import { StoreUnavailableError } from '../board-store.js';
import type { Logger } from '../../log.js';
import { waitReady } from './connect.js';
import type { RedisConnections } from './connections.js';
import { FIRST_NUMBER, type PlaceOutcome, type Placement, type StockListener, type StockStore } from '../stock-store.js';

const KEY = {
  sold: (day: string) => `batchboard:kiosk:${day}:sold`,
  number: (day: string) => `batchboard:kiosk:${day}:number`,
  attempt: (key: string) => `batchboard:kiosk:attempt:${key}`,
  client: (client: string) => `batchboard:kiosk:client:${client}`,
  changes: 'batchboard:kiosk:stock',
};
/** Day keys outlive their day a little, for late questions about it; attempts are kept a day. */
const DAY_TTL_S = 3 * 86_400;
/** A field of the day's sold hash that no SKU can be (an Id has no spaces): the day was opened (see OPEN). */
const OPENED = 'day opened';
const ATTEMPT_TTL_S = 86_400;

/**
 * KEYS: attempt, sold, number, client. ARGV: sku, qty, limit, template, slot, first number, channel, day, day ttl,
 * attempt ttl, taken numbers (JSON), at, items per minute, share, share window ms, attempt key, refuse new (1: the board is full).
 * The client's takings are a sorted set of `qty|sku|key` scored by time: the rule of client-allowance.ts.
 */
const PLACE = `local seen = redis.call('GET', KEYS[1])
if seen then return {'repeat', seen} end
if redis.call('HEXISTS', KEYS[2], '${OPENED}') == 0 then return {'unopened', ''} end
if ARGV[17] == '1' then return {'board_full', ''} end
local sold = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local qty = tonumber(ARGV[2])
if sold + qty > tonumber(ARGV[3]) then return {'sold_out', tostring(tonumber(ARGV[3]) - sold)} end
local at = tonumber(ARGV[12])
local shareWindow = tonumber(ARGV[15])
local horizon = math.max(60000, shareWindow)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', tostring(at - horizon))
local items, ofSku = {}, {}
local recent = redis.call('ZRANGEBYSCORE', KEYS[4], '(' .. tostring(at - horizon), '+inf', 'WITHSCORES')
for i = 1, #recent, 2 do
  local q, s = string.match(recent[i], '^(%d+)|([^|]+)|')
  local t = tonumber(recent[i + 1])
  if t > at - 60000 then items[#items + 1] = {t, tonumber(q)} end
  if s == ARGV[1] and t > at - shareWindow then ofSku[#ofSku + 1] = {t, tonumber(q)} end
end
local function over(list, allowed, window)
  local total = 0
  for _, e in ipairs(list) do total = total + e[2] end
  if total + qty <= allowed then return nil end
  for _, e in ipairs(list) do
    total = total - e[2]
    if total + qty <= allowed then return math.max(1, e[1] + window - at) end
  end
  return window
end
local wait = over(items, tonumber(ARGV[13]), 60000)
if wait then return {'limited', 'items', ARGV[13], tostring(wait)} end
wait = over(ofSku, tonumber(ARGV[14]), shareWindow)
if wait then return {'limited', 'share', ARGV[14], tostring(wait)} end
redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
redis.call('EXPIRE', KEYS[2], ARGV[9])
local taken = {}
for _, t in ipairs(cjson.decode(ARGV[11])) do taken[t] = true end
local n = redis.call('INCR', KEYS[3]) + tonumber(ARGV[6]) - 1
while taken[n] do n = redis.call('INCR', KEYS[3]) + tonumber(ARGV[6]) - 1 end
redis.call('EXPIRE', KEYS[3], ARGV[9])
local order = string.gsub(ARGV[4], ARGV[5], tostring(n))
redis.call('SET', KEYS[1], order, 'EX', ARGV[10])
redis.call('ZADD', KEYS[4], at, qty .. '|' .. ARGV[1] .. '|' .. ARGV[16])
redis.call('PEXPIRE', KEYS[4], horizon)
redis.call('PUBLISH', ARGV[7], cjson.encode({day = ARGV[8], sku = ARGV[1], sold = sold + qty, number = n}))
return {'placed', order}`;

/**
 * KEYS: sold, number. ARGV: first number, last number known, channel, day, day ttl, then SKU and sold count pairs.
 * Opens the day if it is not open yet: counts and numbering become at least what the calling hub knew, and
 * the day is marked open. A store that lost the day (a FLUSHALL, an empty restart) is thus seeded again from
 * the hubs' memory before anything is sold: what was sold is not sold again, and no number is given twice.
 * A day already open is left as it is: Redis holds the truth then (a cancel may have lowered a count).
 */
const OPEN = `if redis.call('HEXISTS', KEYS[1], '${OPENED}') == 1 then return 0 end
for i = 6, #ARGV, 2 do
  local held = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  local known = tonumber(ARGV[i + 1])
  if known > held then
    redis.call('HSET', KEYS[1], ARGV[i], known)
    redis.call('PUBLISH', ARGV[3], cjson.encode({day = ARGV[4], sku = ARGV[i], sold = known}))
  end
end
redis.call('HSET', KEYS[1], '${OPENED}', '1')
redis.call('EXPIRE', KEYS[1], ARGV[5])
local counter = tonumber(ARGV[2]) - tonumber(ARGV[1]) + 1
if counter > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], counter, 'EX', ARGV[5])
end
return 1`;

/** KEYS: sold. ARGV: sku, delta, channel, day, day ttl. */
const ADJUST = `local sold = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
if sold < 0 then
  redis.call('HSET', KEYS[1], ARGV[1], 0)
  sold = 0
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('PUBLISH', ARGV[3], cjson.encode({day = ARGV[4], sku = ARGV[1], sold = sold}))
return sold`;

/** Today's run and the kiosk's attempts in Redis, shared by every hub. */
export class RedisStockStore implements StockStore {
  #cmd: Redis;
  #feed: Redis;
  #log: Logger;

  #listeners: [event: string, listener: (...args: string[]) => void][] = [];

  constructor(redis: Pick<RedisConnections, 'commands' | 'subscriber'>, log: Logger) {
    this.#log = log;
    this.#cmd = redis.commands;
    this.#feed = redis.subscriber;
  }

  async start(listener: StockListener, resync: () => void): Promise<void> {
    // What was published while the feed was away is gone: the kiosk reads the counts again, once subscribed
    // again (a SUBSCRIBE answered here comes after ioredis's own resubscription), so nothing falls in between.
    // The connection is shared and may be up already: its next 'ready' is then a reconnect.
    let connectedBefore = this.#feed.status === 'ready';
    this.#listen('ready', () => {
      if (!connectedBefore) {
        connectedBefore = true;
        return;
      }
      this.#feed.subscribe(KEY.changes).then(resync, (err: unknown) => this.#log.warn({ err }, 'kiosk stock feed could not subscribe again'));
    });
    this.#listen('message', (channel: string, raw: string) => {
      // The subscriber connection is shared: other feeds' messages pass by here too.
      if (channel !== KEY.changes) return;
      try {
        const msg = JSON.parse(raw) as { day?: unknown; sku?: unknown; sold?: unknown; number?: unknown };
        if (typeof msg.day === 'string' && typeof msg.sku === 'string' && typeof msg.sold === 'number')
          listener(msg.day, { [msg.sku]: msg.sold }, typeof msg.number === 'number' ? msg.number : undefined);
      } catch {
        this.#log.warn({ raw: raw.slice(0, 200) }, 'unreadable stock message; dropped');
      }
    });
    await Promise.all([waitReady(this.#cmd), waitReady(this.#feed)]);
    await this.#feed.subscribe(KEY.changes);
  }

  async place(p: Placement): Promise<PlaceOutcome> {
    const reply = (await this.#guard(() =>
      this.#cmd.eval(
        PLACE,
        4,
        KEY.attempt(p.key),
        KEY.sold(p.day),
        KEY.number(p.day),
        KEY.client(p.client),
        p.sku,
        String(p.qty),
        String(p.limit),
        p.template,
        p.slot,
        String(FIRST_NUMBER),
        KEY.changes,
        p.day,
        String(DAY_TTL_S),
        String(ATTEMPT_TTL_S),
        JSON.stringify(p.taken),
        String(p.at),
        String(p.allowance.itemsPerMinute),
        String(p.allowance.share),
        String(p.allowance.shareWindowMs),
        p.key,
        p.refuseNew ? '1' : '0',
      ),
    )) as [string, string, string?, string?];
    const [kind, body, allowed, wait] = reply;
    if (kind === 'unopened' || kind === 'board_full') return { kind };
    if (kind === 'sold_out') return { kind, left: Math.max(0, Number(body)) };
    if (kind === 'limited') return { kind, limit: body === 'items' ? 'items' : 'share', allowed: Number(allowed), retryAfterMs: Number(wait) };
    const order = Order.parse(JSON.parse(body));
    return kind === 'repeat' ? { kind: 'repeat', order } : { kind: 'placed', order };
  }

  async open(day: string, known: { sold: Record<string, number>; lastNumber: number }): Promise<void> {
    const pairs = Object.entries(known.sold).flatMap(([sku, n]) => [sku, String(n)]);
    await this.#guard(() =>
      this.#cmd.eval(OPEN, 2, KEY.sold(day), KEY.number(day), String(FIRST_NUMBER), String(known.lastNumber), KEY.changes, day, String(DAY_TTL_S), ...pairs),
    );
  }

  async adjust(day: string, sku: string, delta: number): Promise<void> {
    await this.#guard(() => this.#cmd.eval(ADJUST, 1, KEY.sold(day), sku, String(delta), KEY.changes, day, String(DAY_TTL_S)));
  }

  async lastNumber(day: string): Promise<number> {
    const counter = Number(await this.#guard(() => this.#cmd.get(KEY.number(day))));
    return counter > 0 ? counter + FIRST_NUMBER - 1 : 0;
  }

  async sold(day: string): Promise<Record<string, number>> {
    const all = await this.#guard(() => this.#cmd.hgetall(KEY.sold(day)));
    return Object.fromEntries(Object.entries(all).flatMap(([sku, n]) => (sku === OPENED ? [] : [[sku, Number(n)]])));
  }

  /** The connections are the state's: the store only stops listening. */
  async close(): Promise<void> {
    for (const [event, listener] of this.#listeners) this.#feed.off(event, listener);
    this.#listeners = [];
    await Promise.resolve();
  }

  #listen(event: string, listener: (...args: string[]) => void): void {
    this.#feed.on(event, listener);
    this.#listeners.push([event, listener]);
  }

  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    // Fail fast while Redis is away: the kiosk says ordering is paused at once rather than after a wait.
    if (this.#cmd.status !== 'ready') throw new StoreUnavailableError(`redis connection ${this.#cmd.status}`);
    try {
      return await fn();
    } catch (err) {
      throw new StoreUnavailableError(err);
    }
  }
}
