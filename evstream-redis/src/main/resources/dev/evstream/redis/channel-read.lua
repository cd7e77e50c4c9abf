-- Reads, in one atomic step, a channel's head, the id of its oldest kept message, the
-- messages after a position, and where the sequence started; keeps an existing sequence
-- alive for its time to live. Creates nothing.
-- KEYS: sequence hash, history stream
-- ARGV: first stream id to read ('<after + 1>-0'), time to live in seconds
-- Returns: {head or '0', oldest id or '', entries, base or ''}
local head = redis.call('HGET', KEYS[1], 's')
if not head then
	return {'0', '', {}, ''}
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
local oldest = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
local entries = redis.call('XRANGE', KEYS[2], ARGV[1], '+')
local oldestId = ''
if oldest[1] then
	oldestId = oldest[1][1]
end
return {head, oldestId, entries, redis.call('HGET', KEYS[1], 'b') or ''}
