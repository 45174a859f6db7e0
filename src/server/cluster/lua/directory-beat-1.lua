--[[
  One node's heartbeat in the cluster directory: writes the node's entry (its public URL, load,
  draining flag, the worlds it runs with their players and capacity, the time) and reads every
  node's entry back, in one round trip.

  Input:
    KEYS[1] the directory (hash: node id -> JSON entry)
    ARGV[1] this node's id
    ARGV[2] this node's entry (JSON)
  Output:
    {id, entry, id, entry, ...}  every node's entry, this one's included
]]
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('HGETALL', KEYS[1])
