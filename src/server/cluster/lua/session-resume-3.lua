--[[
  Resumes a session: the presented resume token is spent and the session moves to the key of the
  next token, in one step, so of any number of resumes racing with one token exactly one wins.
  Only the owner of the session's world may do it.

  Input:
    KEYS[1] the session under the presented token's hash
    KEYS[2] the session's key under the next token's hash
    KEYS[3] the lease of the world the caller runs (hash: node, token, epoch)
    ARGV[1] the world the caller runs
    ARGV[2] the caller's epoch for that world
    ARGV[3] time to live, ms
  Output:
    {1, field, value, ...}  resumed: the session's fields
    {0}                     unknown token: never issued, expired, or already spent by a resume
    {-1}                    fenced: ARGV[2] is not the world's current epoch; nothing changed
    {-2, world}             the session lives in another world; nothing changed
    {-3}                    no lease: the owner must claim it again first; nothing changed
]]
--- @include "lease-fence"
local world = redis.call('HGET', KEYS[1], 'world')
if not world then
  return {0}
end
if world ~= ARGV[1] then
  return {-2, world}
end
local fence = fenceOf(KEYS[3], ARGV[2])
if fence == -2 then
  return {-3}
end
if fence ~= 0 then
  return {-1}
end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local fields = redis.call('HGETALL', KEYS[2])
table.insert(fields, 1, 1)
return fields
