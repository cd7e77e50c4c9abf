-- Reads every state in one atomic step.
-- KEYS: set of state keys
-- ARGV: prefix of state hashes
-- Returns: key, version, json, data key, incarnation, five entries per state
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
	local state = redis.call('HMGET', ARGV[1] .. key, 'v', 'j', 'k', 'i')
	if state[1] then
		out[#out + 1] = key
		out[#out + 1] = state[1]
		out[#out + 1] = state[2]
		out[#out + 1] = state[3]
		out[#out + 1] = state[4]
	end
end
return out
