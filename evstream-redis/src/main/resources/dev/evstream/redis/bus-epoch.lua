-- Returns the epoch of the data Redis holds: a random id set once, the first time a bus
-- asks. A Redis that lost its data (restarted empty, flushed) has none, so the next bus
-- to ask sets another, and every instance sees that it changed.
-- KEYS: epoch key
-- ARGV: a new random id
-- Returns: the epoch
local epoch = redis.call('GET', KEYS[1])
if epoch then
	return epoch
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
