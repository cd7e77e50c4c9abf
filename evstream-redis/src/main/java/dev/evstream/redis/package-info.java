/**
 * Redis implementations of evstream's backend SPIs, so that several replicas share
 * states, channel positions and history through one Redis: every write is a Lua script
 * that also publishes its event, and each instance holds one subscription to the bus
 * channel.
 */
@NullMarked
package dev.evstream.redis;

import org.jspecify.annotations.NullMarked;
