--[[
  Posts a chat line to a world's log: the next seq (gapless: INCR), the entry `<seq>-0` on the
  stream, and the sender's line id remembered, in one step. A line id the world has seen already
  (a client resending after a reconnect) posts nothing and answers the seq it got the first time.
  Only the owner of the world may post.

  Input:
    KEYS[1] the world's chat stream
    KEYS[2] the world's recent client line ids (sorted set: '<from>:<clientId>' scored by seq)
    KEYS[3] the world's last seq (string)
    KEYS[4] the world's lease (hash: node, token, epoch)
    ARGV[1] the caller's epoch for the world
    ARGV[2] sender's player id
    ARGV[3] sender's id for the line
    ARGV[4] sender's name
    ARGV[5] text
    ARGV[6] time, ms since 1970
    ARGV[7] lines kept on the stream (about)
    ARGV[8] client line ids remembered (at least; up to 63 more between trims)
  Output:
    {seq, 1}  posted as seq
    {seq, 0, {field, value, ...}}  a resend: posted before as seq, with the line as it was
                                    posted (just {seq, 0} once it left the stream); nothing changed
    {-1, 0}   fenced: ARGV[1] is not the world's current epoch; nothing changed
    {-2, 0}   no lease (it ran out, or Redis restarted empty): the owner must claim it again
              before posting; nothing changed
]]
--- @include "lease-fence"
local fence = fenceOf(KEYS[4], ARGV[1])
if fence ~= 0 then
  return {fence, 0}
end
local member = ARGV[2] .. ':' .. ARGV[3]
local seen = redis.call('ZSCORE', KEYS[2], member)
if seen then
  local first = redis.call('XRANGE', KEYS[1], seen .. '-0', seen .. '-0')
  if first[1] then
    return {tonumber(seen), 0, first[1][2]}
  end
  return {tonumber(seen), 0}
end
local seq = redis.call('INCR', KEYS[3])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[7], seq .. '-0',
  'from', ARGV[2], 'cid', ARGV[3], 'name', ARGV[4], 'text', ARGV[5], 'at', ARGV[6])
redis.call('ZADD', KEYS[2], seq, member)
-- Old ids are trimmed in bulk, every 64th line: one command less on every other post.
if seq % 64 == 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', seq - tonumber(ARGV[8]))
end
return {seq, 1}
