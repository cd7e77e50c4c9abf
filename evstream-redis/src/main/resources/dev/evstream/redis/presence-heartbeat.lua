-- Marks an instance alive for a time from now, and tells whether it still was, in one
-- atomic step: an instance whose mark ran out may have had its members evicted.
-- KEYS: the instance's alive key
-- ARGV: alive for in milliseconds
-- Returns: 1 if the instance was still marked alive, 0 if not
local was = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return was
