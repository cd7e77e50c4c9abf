-- Adds a member to a channel unless its connection is one already, and marks its instance
-- alive unless it is, in one atomic step: a member is in its instance's index (and the
-- instance in the set of instances holding members) exactly when it is in its channel, so
-- that an eviction finds every member of a dead instance.
-- The index holds the channel and the connection id joined by a line break, which no
-- channel name holds.
-- KEYS: the channel's members hash, the instance's index set, the set of instances
--       holding members, the instance's alive key
-- ARGV: connection id, member JSON, channel, instance, alive for in milliseconds
-- Returns: 1 if the member was added, 0 if the connection was a member already
local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
if added == 1 then
	redis.call('SADD', KEYS[2], ARGV[3] .. '\n' .. ARGV[1])
	redis.call('SADD', KEYS[3], ARGV[4])
end
redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[5])
return added
