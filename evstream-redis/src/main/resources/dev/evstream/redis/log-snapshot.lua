-- Reads a log's base, every event after it and the head of its channel in one atomic
-- step, so that the messages after that head are exactly the events the snapshot does not
-- include yet. Keeps an existing channel alive for its time to live, as reading its head
-- does.
-- KEYS: head hash, events stream, sequence hash, history stream
-- ARGV: time to live in seconds
-- Returns: {channel head or '0', base sequence or '0', base state or '', {event, ...}}
local head = redis.call('HGET', KEYS[3], 's')
if head then
	redis.call('EXPIRE', KEYS[3], ARGV[1])
	redis.call('EXPIRE', KEYS[4], ARGV[1])
else
	head = '0'
end
local base = redis.call('HMGET', KEYS[1], 'b', 'bj')
local events = {}
for _, entry in ipairs(redis.call('XRANGE', KEYS[2], '-', '+')) do
	local fields = entry[2]
	for i = 1, #fields, 2 do
		if fields[i] == 'e' then
			events[#events + 1] = fields[i + 1]
		end
	end
end
return {head, base[1] or '0', base[2] or '', events}
