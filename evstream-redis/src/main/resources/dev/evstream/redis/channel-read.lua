-- Reads, in one atomic step, a channel's head, the id of its oldest kept message, and the
-- messages after a position.
-- KEYS: sequence hash, history stream
-- ARGV: first stream id to read ('<after + 1>-0'), base, time to live in seconds
-- Returns: {head, oldest id or '', entries}
if redis.call('HEXISTS', KEYS[1], 's') == 0 then
	redis.call('HSET', KEYS[1], 's', ARGV[2])
	redis.call('EXPIRE', KEYS[1], ARGV[3])
end
local head = redis.call('HGET', KEYS[1], 's')
local oldest = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
local entries = redis.call('XRANGE', KEYS[2], ARGV[1], '+')
local oldestId = ''
if oldest[1] then
	oldestId = oldest[1][1]
end
return {head, oldestId, entries}
