package dev.evstream.core.presence;

/**
 * Runs when a connection joins or leaves a channel: once per join or leave across the
 * instances, on the instance that holds the connection, or, for the connections of an
 * instance that died, on the one instance that evicted them. Triggers run one at a time,
 * in order, off the event loops, and may block; one that throws is logged and counted and
 * changes nothing.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvPresenceTrigger {

	/**
	 * Runs for a join or a leave.
	 * @param event what happened
	 */
	void on(EvPresenceEvent event);

}
