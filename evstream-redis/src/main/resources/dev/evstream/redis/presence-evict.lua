-- Removes every member of every instance whose alive key ran out, in one atomic step, so
-- that each evicted member is returned to exactly one caller however many instances
-- evict at once. The channels and indexes are found from the set of instances, so their
-- keys are built here from their prefixes (as Redis Cluster would not allow; it is not
-- supported).
-- An index entry is a channel and a connection id joined by a line break, which no
-- channel name holds: the first one splits it.
-- KEYS: the set of instances holding members
-- ARGV: prefix of the alive keys, prefix of the instances' index keys, prefix of the
--       channels' members hashes
-- Returns: the evicted members' JSON
local evicted = {}
for _, instance in ipairs(redis.call('SMEMBERS', KEYS[1])) do
	if redis.call('EXISTS', ARGV[1] .. instance) == 0 then
		local index = ARGV[2] .. instance
		for _, entry in ipairs(redis.call('SMEMBERS', index)) do
			local split = string.find(entry, '\n', 1, true)
			local members = ARGV[3] .. string.sub(entry, 1, split - 1)
			local connection = string.sub(entry, split + 1)
			local member = redis.call('HGET', members, connection)
			if member then
				redis.call('HDEL', members, connection)
				evicted[#evicted + 1] = member
			end
		end
		redis.call('DEL', index)
		redis.call('SREM', KEYS[1], instance)
	end
end
return evicted
