-- Removes a member from its channel and from its instance's index, and the instance from
-- the set of instances holding members once it holds none, in one atomic step: a member
-- removed here is no longer there for an eviction, and the other way round.
-- The member's instance is read from its JSON (the only thing read from it).
-- KEYS: the channel's members hash, the set of instances holding members
-- ARGV: connection id, channel, prefix of the instances' index keys
-- Returns: the removed member's JSON, or '' if the connection was no member
local member = redis.call('HGET', KEYS[1], ARGV[1])
if not member then
	return ''
end
redis.call('HDEL', KEYS[1], ARGV[1])
local instance = cjson.decode(member)['instance']
local index = ARGV[3] .. instance
redis.call('SREM', index, ARGV[2] .. '\n' .. ARGV[1])
if redis.call('EXISTS', index) == 0 then
	redis.call('SREM', KEYS[2], instance)
end
return member
