--[[
  Gives a world's lease up, only for the claim that holds it, so a late release by a node that
  already lost the lease cannot free the new owner's.

  Input:
    KEYS[1] the world's lease (hash: node, token, epoch)
    ARGV[1] token of the caller's claim
  Output:
    1  released
    0  the caller's claim did not hold it; nothing changed
]]
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
