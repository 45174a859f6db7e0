--[[
  Extends a world's lease, only for the claim that holds it: a node that stalled past its lease
  presents its old token and epoch and is told it lost, instead of renewing someone else's lease.

  Input:
    KEYS[1] the world's lease (hash: node, token, epoch)
    ARGV[1] token of the caller's claim
    ARGV[2] epoch of the caller's claim
    ARGV[3] time to live, ms
  Output:
     1  renewed
     0  no lease: it ran out or Redis lost it (nobody else holds it yet)
    -1  another claim holds it
]]
local held = redis.call('HMGET', KEYS[1], 'token', 'epoch')
if not held[1] then
  return 0
end
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then
  return -1
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
