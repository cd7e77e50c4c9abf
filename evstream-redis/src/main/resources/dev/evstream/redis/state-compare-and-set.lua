-- Writes a new value if the version is the expected one, and publishes the change, so that
-- the order of writes and the order of delivery agree.
-- The ids of the last 16 updates are kept: a command the client resends after a reconnect
-- is recognised and not applied twice. An operation id, given by the application's client,
-- is kept for its retention (a key that expires): a write retried by a browser after a
-- lost answer is recognised the same way, however many writes came in between.
-- A state just put back after Redis lost it takes no write until its restore grace ends:
-- an instance that held a newer version than the one restored first must be able to put
-- it back before anything is built on the older one.
-- KEYS: state hash, restore grace marker, operation marker (unused without an operation id)
-- ARGV: key, expected version, json, update id, bus channel, operation id ('' for none),
--       operation retention in seconds
-- Returns: {'updated'|'conflict', version, json, data key, incarnation}, {'missing'} or {'restoring'}
local current = redis.call('HMGET', KEYS[1], 'v', 'j', 'k', 'i', 'u')
if not current[1] then
	return {'missing'}
end
local recent = current[5] or ' '
if string.find(recent, ' ' .. ARGV[4] .. ' ', 1, true) then
	return {'updated', current[1], current[2], current[3], current[4]}
end
if ARGV[6] ~= '' and redis.call('EXISTS', KEYS[3]) == 1 then
	return {'updated', current[1], current[2], current[3], current[4]}
end
if redis.call('EXISTS', KEYS[2]) == 1 then
	return {'restoring'}
end
if current[1] ~= ARGV[2] then
	return {'conflict', current[1], current[2], current[3], current[4]}
end
local version = tostring(tonumber(current[1]) + 1)
local ids = {ARGV[4]}
for id in string.gmatch(recent, '%S+') do
	if #ids < 16 then
		ids[#ids + 1] = id
	end
end
redis.call('HSET', KEYS[1], 'v', version, 'j', ARGV[3], 'u', ' ' .. table.concat(ids, ' ') .. ' ')
if ARGV[6] ~= '' then
	redis.call('SET', KEYS[3], version, 'EX', ARGV[7])
end
redis.call('PUBLISH', ARGV[5], 'U\n' .. ARGV[1] .. '\n' .. version .. '\n' .. current[3] .. '\n' .. current[4] .. '\n' .. ARGV[6] .. '\n' .. ARGV[3])
return {'updated', version, ARGV[3], current[3], current[4]}
