-- Takes a ticket's value and removes it in one atomic step, so that a ticket is taken
-- once whichever replica asks first. GET then DEL rather than GETDEL, which needs
-- Redis 6.2.
-- KEYS: the ticket's key
-- Returns: a list of the value, or an empty list if the ticket is unknown, taken or
-- expired (a list rather than '' for none, since a value may be empty)
local value = redis.call('GET', KEYS[1])
if not value then
	return {}
end
redis.call('DEL', KEYS[1])
return { value }
