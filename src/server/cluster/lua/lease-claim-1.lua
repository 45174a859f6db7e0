--[[
  Claims a world's ownership lease when nobody holds it.

  The epoch comes from PostgreSQL (world_epochs), incremented in the transaction that is still
  open while this runs, so it is higher than any epoch any node ever held, even if Redis has lost
  everything since.

  Input:
    KEYS[1] the world's lease (hash: node, token, epoch)
    ARGV[1] node id
    ARGV[2] token: random, unique to this claim
    ARGV[3] epoch
    ARGV[4] time to live, ms
  Output:
    {1, node, epoch}  claimed (node and epoch are the caller's)
    {0, node, epoch}  held by another claim: its node and epoch; nothing changed
]]
local held = redis.call('HMGET', KEYS[1], 'node', 'epoch')
if held[1] then
  return {0, held[1], held[2]}
end
redis.call('HSET', KEYS[1], 'node', ARGV[1], 'token', ARGV[2], 'epoch', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, ARGV[1], ARGV[3]}
