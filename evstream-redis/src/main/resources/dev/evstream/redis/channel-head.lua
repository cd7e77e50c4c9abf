-- Returns the sequence of a channel's latest message, creating the sequence from a
-- time-based base if the channel has none, and keeps it alive for its time to live.
-- KEYS: sequence hash
-- ARGV: base, time to live in seconds
-- Returns: the head sequence, as a string
if redis.call('HEXISTS', KEYS[1], 's') == 0 then
	redis.call('HSET', KEYS[1], 's', ARGV[1])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return redis.call('HGET', KEYS[1], 's')
