-- Claims a client operation id for a write kept outside Redis, unless it is held or done.
-- KEYS[1] the id's key
-- ARGV[1] how long a claim holds, in milliseconds
-- Returns "claimed", "running", or "done:" followed by the outcome.
local earlier = redis.call('GET', KEYS[1])
if earlier then
	return earlier
end
redis.call('SET', KEYS[1], 'running', 'PX', ARGV[1])
return 'claimed'
