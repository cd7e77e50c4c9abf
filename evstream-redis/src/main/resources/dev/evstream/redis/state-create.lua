-- Creates a state unless it exists, and publishes the creation on the bus.
-- KEYS: state hash, set of state keys
-- ARGV: key, json, data key, incarnation, bus channel
-- Returns: {created '1'|'0', version, json, data key, incarnation} of the stored state
local current = redis.call('HMGET', KEYS[1], 'v', 'j', 'k', 'i')
if current[1] then
	return {'0', current[1], current[2], current[3], current[4]}
end
redis.call('HSET', KEYS[1], 'v', '1', 'j', ARGV[2], 'k', ARGV[3], 'i', ARGV[4], 'u', ' ')
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[5], 'C\n' .. ARGV[1] .. '\n1\n' .. ARGV[3] .. '\n' .. ARGV[4] .. '\n' .. ARGV[2])
return {'1', '1', ARGV[2], ARGV[3], ARGV[4]}
