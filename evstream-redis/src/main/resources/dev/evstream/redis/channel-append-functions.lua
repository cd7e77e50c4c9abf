-- Appending a message to a channel, shared by every script that appends: each script's
-- text starts with these functions.
-- A message takes the next sequence of its channel, is kept in the history (the last
-- 'size' messages) and is published, in one atomic step. The first message creates the
-- sequence, from a time-based base, so that one lost with Redis's data (or expired) never
-- overlaps the new one. The ids of the last 16 messages are kept: a command the client
-- resends after a reconnect is not appended twice.

-- Returns the sequence a message id was given if it is among the last 16, else nil; and
-- the last ids with their sequences.
local function appended(sequenceKey, messageId)
	local recent = redis.call('HGET', sequenceKey, 'r') or ' '
	local pattern = ' ' .. string.gsub(messageId, '%p', '%%%0') .. ':(%d+) '
	return string.match(recent, pattern), recent
end

-- Appends a message unless its id was appended already, and returns its sequence as a
-- string. 'event' is '' for none.
local function append(sequenceKey, historyKey, channel, event, data, messageId, base, size, bus, ttl)
	local done, recent = appended(sequenceKey, messageId)
	if done then
		return done
	end
	if redis.call('HEXISTS', sequenceKey, 's') == 0 then
		-- 'b' remembers where the sequence started, so that a reader from before it can
		-- tell whether the log still holds everything since
		redis.call('HSET', sequenceKey, 's', base, 'b', base)
	end
	-- sequences exceed the 14 digits tostring keeps
	local sequence = string.format('%.0f', redis.call('HINCRBY', sequenceKey, 's', 1))
	local entries = {messageId .. ':' .. sequence}
	for entry in string.gmatch(recent, '%S+') do
		if #entries < 16 then
			entries[#entries + 1] = entry
		end
	end
	redis.call('HSET', sequenceKey, 'r', ' ' .. table.concat(entries, ' ') .. ' ')
	redis.call('EXPIRE', sequenceKey, ttl)
	if tonumber(size) > 0 then
		redis.call('XADD', historyKey, 'MAXLEN', size, sequence .. '-1', 'e', event, 'd', data)
		redis.call('EXPIRE', historyKey, ttl)
	end
	redis.call('PUBLISH', bus, 'M\n' .. channel .. '\n' .. sequence .. '\n' .. event .. '\n' .. data)
	return sequence
end

