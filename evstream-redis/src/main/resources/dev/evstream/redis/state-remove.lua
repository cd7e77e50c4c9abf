-- Removes a state, leaves a tombstone naming its incarnation (so that no instance puts it
-- back as if Redis had lost it), and publishes the removal.
-- KEYS: state hash, set of state keys, tombstone
-- ARGV: key, bus channel, tombstone time to live in seconds
-- Returns: 1 if the state existed, else 0
local incarnation = redis.call('HGET', KEYS[1], 'i')
if not incarnation then
	return 0
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], incarnation, 'EX', ARGV[3])
redis.call('PUBLISH', ARGV[2], 'R\n' .. ARGV[1])
return 1
