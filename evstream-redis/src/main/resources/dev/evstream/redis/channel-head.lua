-- Returns the sequence of a channel's latest message, or 0 if the channel has none, and
-- keeps an existing sequence alive for its time to live. Creates nothing: listening to a
-- channel nobody sends to writes no key.
-- KEYS: sequence hash, history stream
-- ARGV: time to live in seconds
-- Returns: the head sequence, as a string
local head = redis.call('HGET', KEYS[1], 's')
if not head then
	return '0'
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return head
