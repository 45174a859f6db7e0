--[[
  Ends a session (the player left or its grace period ran out), only for the owner of the
  session's world.

  Input:
    KEYS[1] the session (hash)
    KEYS[2] the lease of the session's world (hash: node, token, epoch)
    ARGV[1] the caller's epoch for that world
  Output:
     1  ended
     0  there was no such session
    -1  fenced: ARGV[1] is not the world's current epoch; nothing changed
    -2  no lease: the owner must claim it again first; nothing changed
]]
--- @include "lease-fence"
local fence = fenceOf(KEYS[2], ARGV[1])
if fence ~= 0 then
  return fence
end
return redis.call('DEL', KEYS[1])
