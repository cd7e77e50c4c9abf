-- Appends an event to a log if its head is at the expected sequence: moves the head, keeps
-- the event, compacts the log when it holds more events than allowed, and appends the
-- message to the log's channel (see channel-append-functions.lua), in one atomic step, so
-- that the order of events and the order of delivery agree.
-- A command the client resends after a reconnect finds its message id appended already:
-- it was applied, and is not applied again. An event id, given by the application's
-- client, is kept with its sequence for its retention (a key that expires): an event
-- retried after a lost answer is recognised however many events came in between.
-- The head hash holds the sequence ('s') and state ('j') of the latest event, and the
-- sequence ('b') and state ('bj') of the base, once compacted; the events after the base
-- are a stream whose entry ids are their sequences. Neither expires.
-- KEYS: head hash, events stream, event id marker (unused without an event id),
--       sequence hash, history stream
-- ARGV: expected sequence, state, event, message, event id ('' for none),
--       event id retention in seconds, compaction threshold (0 for none), channel,
--       message id, base, history size, bus channel, time to live in seconds
-- Returns: {'appended'|'resent'|'repeated'|'conflict', sequence or '0', head sequence, head state or ''}
if appended(KEYS[4], ARGV[9]) then
	return {'resent', '0', '0', ''}
end
local head = redis.call('HMGET', KEYS[1], 's', 'j')
local current = head[1] or '0'
local state = head[2] or ''
if ARGV[5] ~= '' then
	local earlier = redis.call('GET', KEYS[3])
	if earlier then
		return {'repeated', earlier, current, state}
	end
end
if current ~= ARGV[1] then
	return {'conflict', '0', current, state}
end
-- sequences exceed the 14 digits tostring keeps
local sequence = string.format('%.0f', tonumber(current) + 1)
redis.call('HSET', KEYS[1], 's', sequence, 'j', ARGV[2])
redis.call('XADD', KEYS[2], sequence .. '-1', 'e', ARGV[3])
local above = tonumber(ARGV[7])
if above > 0 and redis.call('XLEN', KEYS[2]) > above then
	redis.call('HSET', KEYS[1], 'b', sequence, 'bj', ARGV[2])
	redis.call('DEL', KEYS[2])
end
if ARGV[5] ~= '' then
	redis.call('SET', KEYS[3], sequence, 'EX', ARGV[6])
end
append(KEYS[4], KEYS[5], ARGV[8], ARGV[8], ARGV[4], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13])
return {'appended', sequence, sequence, ARGV[2]}
