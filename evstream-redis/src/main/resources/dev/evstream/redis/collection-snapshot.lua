-- Reads every item of a group and the head of its channel in one atomic step, so that the
-- changes after that head are exactly the ones the items do not include yet. Keeps an
-- existing channel alive for its time to live, as reading its head does.
-- KEYS: group hash, sequence hash, history stream
-- ARGV: time to live in seconds
-- Returns: {head or '0', {id, '<version> <json>', ...}}
local head = redis.call('HGET', KEYS[2], 's')
if head then
	redis.call('EXPIRE', KEYS[2], ARGV[1])
	redis.call('EXPIRE', KEYS[3], ARGV[1])
else
	head = '0'
end
return {head, redis.call('HGETALL', KEYS[1])}
