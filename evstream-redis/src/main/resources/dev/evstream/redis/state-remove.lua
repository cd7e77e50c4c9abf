-- Removes a state, leaves a tombstone naming its incarnation (so that no instance puts it
-- back as if Redis had lost it), and publishes the removal. Given an incarnation, it
-- removes only that life of the state: an expiry or a self-destruct that several
-- instances apply at once removes it once, and never a state created again meanwhile.
-- KEYS: state hash, set of state keys, tombstone
-- ARGV: key, bus channel, tombstone time to live in seconds, incarnation or '' for any
-- Returns: 1 if the state existed (with that incarnation) and was removed, else 0
local incarnation = redis.call('HGET', KEYS[1], 'i')
if not incarnation then
	return 0
end
if ARGV[4] ~= '' and incarnation ~= ARGV[4] then
	return 0
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], incarnation, 'EX', ARGV[3])
redis.call('PUBLISH', ARGV[2], 'R\n' .. ARGV[1])
return 1
