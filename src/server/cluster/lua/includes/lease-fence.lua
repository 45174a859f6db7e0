--[[
  Included (--- @include "lease-fence") by every script that writes for a world's owner: the
  caller's fencing epoch checked against the world's lease, in the same atomic step as the write.

    fenceOf(leaseKey, epoch)
       0  the lease holds `epoch`: the caller owns the world
      -1  the lease holds another epoch: another node owns the world now (fenced)
      -2  there is no lease (it ran out, or Redis restarted empty): the owner must claim it again
]]
local function fenceOf(leaseKey, epoch)
  local held = redis.call('HGET', leaseKey, 'epoch')
  if not held then
    return -2
  end
  if held ~= epoch then
    return -1
  end
  return 0
end
