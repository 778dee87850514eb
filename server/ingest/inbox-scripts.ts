/**
 * Lua for the inbox door, run inside Redis so that what the hub receives is bounded before it leaves
 * Redis: an entry's oversized field comes back as a short marker, never as its megabytes.
 */

/** Marks a field value that was over the size limit: `\0too_large:<bytes>`. */
export const TOO_LARGE_MARK = '\u0000too_large:';

const CLIP = `local function clip(entries, max)
  if not entries then return {} end
  for _, e in ipairs(entries) do
    local f = e[2]
    if f then
      for i = 2, #f, 2 do
        if #f[i] > max then f[i] = '\\0too_large:' .. #f[i] end
      end
    end
  end
  return entries
end`;

/** KEYS: inbox. ARGV: group, consumer, count, id ('0' own pending, '>' new), max bytes. */
export const READ = `${CLIP}
local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], ARGV[4])
if not r then return {} end
return clip(r[1][2], tonumber(ARGV[5]))`;

/** KEYS: inbox. ARGV: group, consumer, min idle ms, count, max bytes. */
export const CLAIM = `${CLIP}
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
return clip(r[2], tonumber(ARGV[5]))`;

/**
 * KEYS: inbox. Trims what every consumer group has acknowledged: entries older than the oldest one
 * still pending, or than the last one delivered when none is pending. Answers how many went.
 */
export const TRIM = `local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
local keep = nil
local function older(a, b)
  local ams, aseq = string.match(a, '(%d+)-(%d+)')
  local bms, bseq = string.match(b, '(%d+)-(%d+)')
  if #ams ~= #bms then return #ams < #bms end
  if ams ~= bms then return ams < bms end
  if #aseq ~= #bseq then return #aseq < #bseq end
  return aseq < bseq
end
for _, g in ipairs(groups) do
  local name, last = nil, nil
  for i = 1, #g, 2 do
    if g[i] == 'name' then name = g[i + 1] end
    if g[i] == 'last-delivered-id' then last = g[i + 1] end
  end
  local pending = redis.call('XPENDING', KEYS[1], name)
  local floor = last
  if pending[2] then floor = pending[2] end
  if floor and (keep == nil or older(floor, keep)) then keep = floor end
end
if not keep or keep == '0-0' then return 0 end
return redis.call('XTRIM', KEYS[1], 'MINID', keep)`;
