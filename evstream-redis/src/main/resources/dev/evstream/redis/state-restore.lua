-- Puts back a state that Redis lost, as an instance holds it. A state that was removed
-- (its tombstone names this incarnation) is not put back; a lower version of the same
-- incarnation, restored by an instance that held less, is replaced by this higher one.
-- A state put back where it was missing takes no write for a grace period, in which
-- instances that hold a higher version still replace it (see state-compare-and-set.lua).
-- KEYS: state hash, set of state keys, tombstone, restore grace marker
-- ARGV: key, version, json, data key, incarnation, bus channel, grace in milliseconds
-- Returns: {'restored'|'kept', version, json, data key, incarnation} or {'removed'}
local current = redis.call('HMGET', KEYS[1], 'v', 'j', 'k', 'i')
if current[1] then
	if current[4] == ARGV[5] and tonumber(current[1]) < tonumber(ARGV[2]) then
		redis.call('HSET', KEYS[1], 'v', ARGV[2], 'j', ARGV[3])
		redis.call('PUBLISH', ARGV[6], 'S\n' .. ARGV[1] .. '\n' .. ARGV[2] .. '\n' .. current[3] .. '\n' .. current[4] .. '\n' .. ARGV[3])
		return {'restored', ARGV[2], ARGV[3], current[3], current[4]}
	end
	return {'kept', current[1], current[2], current[3], current[4]}
end
if redis.call('GET', KEYS[3]) == ARGV[5] then
	return {'removed'}
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'j', ARGV[3], 'k', ARGV[4], 'i', ARGV[5], 'u', ' ')
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SET', KEYS[4], ARGV[5], 'PX', ARGV[7])
redis.call('PUBLISH', ARGV[6], 'S\n' .. ARGV[1] .. '\n' .. ARGV[2] .. '\n' .. ARGV[4] .. '\n' .. ARGV[5] .. '\n' .. ARGV[3])
return {'restored', ARGV[2], ARGV[3], ARGV[4], ARGV[5]}
