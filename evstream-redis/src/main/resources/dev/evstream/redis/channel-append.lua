-- Appends a message to a channel (see channel-append-functions.lua).
-- KEYS: sequence hash, history stream
-- ARGV: channel, event ('' for none), data, message id, base, history size, bus channel, time to live in seconds
-- Returns: the sequence, as a string
return append(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
