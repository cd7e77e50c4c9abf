-- Writes or deletes a collection item if it is at the expected version, and appends the
-- change message to the group's channel (see channel-append-functions.lua), in one atomic
-- step, so that the order of writes and the order of delivery agree.
-- A command the client resends after a reconnect finds its message id appended already:
-- it was applied, and is not applied again. An operation id, given by the application's
-- client, is kept for its retention (a key that expires): a write retried after a lost
-- answer is recognised however many writes came in between.
-- Items are stored as '<version> <json>'; a group with items is listed in the stream's set
-- of groups.
-- KEYS: group hash, set of the stream's groups, sequence hash, history stream,
--       operation marker (unused without an operation id)
-- ARGV: group, item id, expected version, 'set' or 'delete', json ('' to delete), item limit (0 for none),
--       operation id ('' for none), operation retention in seconds, channel, message, message id,
--       base, history size, bus channel, time to live in seconds
-- Returns: {'written'|'resent'|'repeated'|'conflict'|'full', sequence or '0', stored item or ''}
local done = appended(KEYS[3], ARGV[11])
if done then
	return {'resent', done, ''}
end
local current = redis.call('HGET', KEYS[1], ARGV[2]) or ''
if ARGV[7] ~= '' and redis.call('EXISTS', KEYS[5]) == 1 then
	return {'repeated', '0', current}
end
local version = 0
if current ~= '' then
	version = tonumber(string.match(current, '^(%d+) '))
end
if version ~= tonumber(ARGV[3]) then
	return {'conflict', '0', current}
end
if version == 0 and tonumber(ARGV[6]) > 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[6]) then
	return {'full', '0', ''}
end
local item = ''
if ARGV[4] == 'delete' then
	redis.call('HDEL', KEYS[1], ARGV[2])
	if redis.call('HLEN', KEYS[1]) == 0 then
		redis.call('SREM', KEYS[2], ARGV[1])
	end
else
	item = string.format('%.0f', version + 1) .. ' ' .. ARGV[5]
	redis.call('HSET', KEYS[1], ARGV[2], item)
	if version == 0 then
		redis.call('SADD', KEYS[2], ARGV[1])
	end
end
if ARGV[7] ~= '' then
	redis.call('SET', KEYS[5], '1', 'EX', ARGV[8])
end
local sequence = append(KEYS[3], KEYS[4], ARGV[9], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13], ARGV[14], ARGV[15])
return {'written', sequence, item}
