-- Gives a message the next sequence of its channel, keeps it in the history (the last 'size' messages), and
-- publishes it, in one atomic step. The first message creates the sequence, from a
-- time-based base, so that one lost with Redis's data (or expired) never overlaps the new one. The ids of the last 16 messages
-- are kept: a command the client resends after a reconnect is not appended twice.
-- KEYS: sequence hash, history stream
-- ARGV: channel, event ('' for none), data, message id, base, history size, bus channel, time to live in seconds
-- Returns: the sequence, as a string
local recent = redis.call('HGET', KEYS[1], 'r') or ' '
local pattern = ' ' .. string.gsub(ARGV[4], '%p', '%%%0') .. ':(%d+) '
local done = string.match(recent, pattern)
if done then
	return done
end
if redis.call('HEXISTS', KEYS[1], 's') == 0 then
	-- 'b' remembers where the sequence started, so that a reader from before it can tell
	-- whether the log still holds everything since
	redis.call('HSET', KEYS[1], 's', ARGV[5], 'b', ARGV[5])
end
-- sequences exceed the 14 digits tostring keeps
local sequence = string.format('%.0f', redis.call('HINCRBY', KEYS[1], 's', 1))
local entries = {ARGV[4] .. ':' .. sequence}
for entry in string.gmatch(recent, '%S+') do
	if #entries < 16 then
		entries[#entries + 1] = entry
	end
end
redis.call('HSET', KEYS[1], 'r', ' ' .. table.concat(entries, ' ') .. ' ')
redis.call('EXPIRE', KEYS[1], ARGV[8])
if tonumber(ARGV[6]) > 0 then
	redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[6], sequence .. '-1', 'e', ARGV[2], 'd', ARGV[3])
	redis.call('EXPIRE', KEYS[2], ARGV[8])
end
redis.call('PUBLISH', ARGV[7], 'M\n' .. ARGV[1] .. '\n' .. sequence .. '\n' .. ARGV[2] .. '\n' .. ARGV[3])
return sequence
