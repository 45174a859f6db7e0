--[[
  Updates fields of a session that exists, only for the owner of the session's world; never
  creates one. A write that reaches Redis after a resume spent the session's token (the owner
  marking the player away while that resume was in flight) would otherwise bring the spent token
  back to life, and a second resume with it would win.

  Input:
    KEYS[1] the session (hash), keyed by the sha256 of its current resume token
    KEYS[2] the lease of the session's world (hash: node, token, epoch)
    ARGV[1] the caller's epoch for that world
    ARGV[2] time to live, ms (grace period plus a margin)
    ARGV[3..] field, value, field, value, ...
  Output:
     1  updated
     0  no such session (spent, ended or expired); nothing changed
    -1  fenced: ARGV[1] is not the world's current epoch; nothing changed
    -2  no lease: the owner must claim it again first; nothing changed
]]
--- @include "lease-fence"
local fence = fenceOf(KEYS[2], ARGV[1])
if fence ~= 0 then
  return fence
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
