/**
 * Lua run atomically inside Redis: compare, assign the next seq, persist and
 * PUBLISH in one step, so every hub sees changes on the feed in seq order.
 * The comparison is rules.ts's `decide`, written again in Lua.
 */

/** Appends the change to the event log stream, capped at about ARGV[cap] entries. */
const log = (key: string, cap: string) => `redis.call('XADD', ${key}, 'MAXLEN', '~', ${cap}, '*', 'e', msg)`;

/**
 * Run before a change is numbered. The epoch key is the last of KEYS, a fresh candidate the last of ARGV:
 * a store that lost its data (FLUSHALL, an empty restart) takes a new epoch with its first change, and every
 * hub that sees it reloads instead of taking the restarted seqs for ones it has seen.
 */
const STAMP = `local t = redis.call('TIME')
local at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = redis.call('GET', KEYS[#KEYS])
if not epoch then
  epoch = ARGV[#ARGV]
  redis.call('SET', KEYS[#KEYS], epoch)
end`;

/**
 * Run first, before any write: a script cannot roll back, so a key of the wrong type met half-way (the seq or
 * the event log, written after the record) would leave a change stored and announced but answered as refused.
 * Checked up front, such a write is refused whole. Arguments: the seq key and the event log key.
 */
const GUARD = `local function guard(seqKey, logKey)
  local t = redis.call('TYPE', seqKey).ok
  if t ~= 'none' and (t ~= 'string' or not tonumber(redis.call('GET', seqKey))) then error('WRONGTYPE ' .. seqKey .. ' is not a number') end
  t = redis.call('TYPE', logKey).ok
  if t ~= 'none' and t ~= 'stream' then error('WRONGTYPE ' .. logKey .. ' holds a ' .. t .. ', not a stream') end
  t = redis.call('TYPE', KEYS[#KEYS]).ok
  if t ~= 'none' and t ~= 'string' then error('WRONGTYPE ' .. KEYS[#KEYS] .. ' holds a ' .. t .. ', not a string') end
end`;

/** The start of a change message; the epoch is hex, safe inside a JSON string as it is. */
const HEAD = `'{"seq":' .. seq .. ',"epoch":"' .. epoch .. '","at":' .. at .. ','`;

// A stored record that cannot be read (written by hand, or by an older version) must not freeze its
// order: it is replaced by the next valid write instead of failing every one of them.
const DECIDE = `local function decide(cur, nextJson, nextTs)
  if not cur then return 'apply' end
  local ok, held = pcall(cjson.decode, cur)
  if not ok or type(held) ~= 'table' or type(held.updatedAt) ~= 'number' then return 'apply' end
  local curTs = held.updatedAt
  if nextTs ~= curTs then
    if nextTs > curTs then return 'apply' else return 'stale' end
  end
  if nextJson == cur then return 'duplicate' end
  if nextJson > cur then return 'apply' else return 'stale' end
end`;

/**
 * The status of a stored order record: only its top-level `status` is read. An unreadable record has none,
 * so a conditional write to it is refused (unlike `decide`, which lets a valid write replace it).
 */
const STATUS_OF = `local function status_of(cur)
  if not cur then return '' end
  local ok, held = pcall(cjson.decode, cur)
  if not ok or type(held) ~= 'table' or type(held.status) ~= 'string' then return '' end
  return held.status
end`;

/**
 * KEYS: orders hash, seq, tombstone key, event log, epoch. ARGV: id, json, updatedAt, active(1|0), channel, tombstone ttl s,
 * log cap, most active orders (a new one past it is refused: the reply is {0, 'board_full'}), expected status ('' for
 * any: else a record in another status is left alone and the reply is {0, 'moved', its status}), epoch candidate.
 */
export const UPSERT_ORDER = `${DECIDE}
${STATUS_OF}
${GUARD}
guard(KEYS[2], KEYS[4])
local active = redis.call('HGET', KEYS[1], ARGV[1])
local cur = active or redis.call('GET', KEYS[3])
if ARGV[9] ~= '' then
  local held = status_of(cur)
  if held ~= ARGV[9] then return {0, 'moved', held} end
end
local verdict = decide(cur, ARGV[2], tonumber(ARGV[3]))
if verdict ~= 'apply' then return {0, verdict} end
if ARGV[4] == '1' and not active and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[8]) then return {0, 'board_full'} end
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('DEL', KEYS[3])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[6])
  if not active then return {0, 'not_on_board'} end
end
${STAMP}
local seq = redis.call('INCR', KEYS[2])
local msg = ${HEAD} .. '"type":"order","order":' .. ARGV[2] .. '}'
redis.call('PUBLISH', ARGV[5], msg)
${log('KEYS[4]', 'ARGV[7]')}
return {seq, msg}`;

/** KEYS: orders hash, seq, tombstone key, event log, epoch. ARGV: id, expected json, channel, tombstone ttl s, log cap, epoch candidate. */
export const EXPIRE_ORDER = `${GUARD}
guard(KEYS[2], KEYS[4])
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur ~= ARGV[2] then return {0, 'stale'} end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SET', KEYS[3], cur, 'EX', ARGV[4])
${STAMP}
local seq = redis.call('INCR', KEYS[2])
local msg = ${HEAD} .. '"type":"order","removed":true,"order":' .. cur .. '}'
redis.call('PUBLISH', ARGV[3], msg)
${log('KEYS[4]', 'ARGV[5]')}
return {seq, msg}`;

/** rules.ts's `readingsOnly`, in Lua: every Machine field but readings and updatedAt is the same. */
const READINGS_ONLY = `local function readings_only(cur, nxt)
  if not cur then return false end
  local ok, a = pcall(cjson.decode, cur)
  if not ok or type(a) ~= 'table' or type(a.updatedAt) ~= 'number' then return false end
  local b = cjson.decode(nxt)
  if b.updatedAt <= a.updatedAt or b.readings == nil then return false end
  if a.name ~= b.name or a.kind ~= b.kind or a.state ~= b.state then return false end
  local x, y = a.batch, b.batch
  if x == nil or y == nil then return x == y end
  return x.sku == y.sku and x.label == y.label and x.qty == y.qty and x.startedAt == y.startedAt and x.endsAt == y.endsAt and x.runId == y.runId
end`;

/**
 * KEYS: machines hash, seq, event log, epoch. ARGV: id, json, updatedAt, channel, log cap, epoch candidate.
 * A readings-only update is telemetry: stored and announced, but with no seq
 * and not logged; the script answers -1 for it.
 */
export const UPSERT_MACHINE = `${DECIDE}
${READINGS_ONLY}
${GUARD}
guard(KEYS[2], KEYS[3])
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local verdict = decide(cur, ARGV[2], tonumber(ARGV[3]))
if verdict ~= 'apply' then return {0, verdict} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
${STAMP}
if readings_only(cur, ARGV[2]) then
  local msg = '{"type":"readings","at":' .. at .. ',"machine":' .. ARGV[2] .. '}'
  redis.call('PUBLISH', ARGV[4], msg)
  return {-1, msg}
end
local seq = redis.call('INCR', KEYS[2])
local msg = ${HEAD} .. '"type":"machine","machine":' .. ARGV[2] .. '}'
redis.call('PUBLISH', ARGV[4], msg)
${log('KEYS[3]', 'ARGV[5]')}
return {seq, msg}`;

/** KEYS: scene key, seq, event log, epoch. ARGV: json, channel, log cap, epoch candidate. */
export const SET_SCENE = `${GUARD}
guard(KEYS[2], KEYS[3])
if redis.call('GET', KEYS[1]) == ARGV[1] then return {0, 'unchanged'} end
redis.call('SET', KEYS[1], ARGV[1])
${STAMP}
local seq = redis.call('INCR', KEYS[2])
local msg = ${HEAD} .. '"type":"scene","scene":' .. ARGV[1] .. '}'
redis.call('PUBLISH', ARGV[2], msg)
${log('KEYS[3]', 'ARGV[3]')}
return {seq, msg}`;

/**
 * KEYS: runs hash, seq, finished-run key, event log, epoch. ARGV: id, json, updatedAt, active(1|0), channel, finished
 * ttl s, log cap, expected statuses (comma-separated, '' for any: else a run in another status is left alone and the
 * reply is {0, 'run_moved', its status}), epoch candidate. A done or cancelled run leaves the hash for its own key,
 * kept like a finished order's, so a late, older update cannot bring it back; every applied write takes a seq.
 */
export const UPSERT_RUN = `${DECIDE}
${STATUS_OF}
${GUARD}
guard(KEYS[2], KEYS[4])
local active = redis.call('HGET', KEYS[1], ARGV[1])
local cur = active or redis.call('GET', KEYS[3])
if ARGV[8] ~= '' then
  local held = status_of(cur)
  if held == '' or not string.find(',' .. ARGV[8] .. ',', ',' .. held .. ',', 1, true) then return {0, 'run_moved', held} end
end
local verdict = decide(cur, ARGV[2], tonumber(ARGV[3]))
if verdict ~= 'apply' then return {0, verdict} end
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('DEL', KEYS[3])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[6])
end
${STAMP}
local seq = redis.call('INCR', KEYS[2])
local msg = ${HEAD} .. '"type":"run","run":' .. ARGV[2] .. '}'
redis.call('PUBLISH', ARGV[5], msg)
${log('KEYS[4]', 'ARGV[7]')}
return {seq, msg}`;
