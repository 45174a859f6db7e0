--[[
  Puts a world's chat back into Redis from the durable history (PostgreSQL) after Redis lost it
  (restarted empty): the lines, their client line ids and the last seq, so numbering goes on
  without a gap or a repeat and resends are still recognised. Does nothing when Redis already
  knows the world's chat up to the durable history's last seq.

  Input:
    KEYS[1] the world's chat stream
    KEYS[2] the world's recent client line ids (sorted set)
    KEYS[3] the world's last seq (string)
    KEYS[4] the world's lease (hash: node, token, epoch)
    ARGV[1] the caller's epoch for the world
    ARGV[2] the durable history's last seq
    ARGV[3] lines kept on the stream (about)
    ARGV[4..] the newest durable lines, oldest first, six values each:
              seq, from, clientId, name, text, time
  Output:
     n  lines restored (0: Redis was not behind)
    -1  fenced: ARGV[1] is not the world's current epoch; nothing changed
    -2  no lease: the owner must claim it again first; nothing changed
]]
--- @include "lease-fence"
local fence = fenceOf(KEYS[4], ARGV[1])
if fence ~= 0 then
  return fence
end
local last = tonumber(redis.call('GET', KEYS[3]) or '0')
if last >= tonumber(ARGV[2]) then
  return 0
end
local restored = 0
for i = 4, #ARGV, 6 do
  local seq = tonumber(ARGV[i])
  if seq > last then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], seq .. '-0',
      'from', ARGV[i + 1], 'cid', ARGV[i + 2], 'name', ARGV[i + 3], 'text', ARGV[i + 4], 'at', ARGV[i + 5])
    redis.call('ZADD', KEYS[2], seq, ARGV[i + 1] .. ':' .. ARGV[i + 2])
    restored = restored + 1
  end
end
redis.call('SET', KEYS[3], ARGV[2])
return restored
