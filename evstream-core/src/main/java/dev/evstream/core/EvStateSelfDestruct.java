package dev.evstream.core;

import java.time.Instant;

/**
 * Decides whether a state ends when a client leaves its channel, as server-state-sync's
 * {@code selfDestruct(numberOfClientsLeft, timeOfCreation)}.
 * <p>
 * It is asked on every leave of the state's channel anywhere in the cluster (a client
 * that closes its stream, stops listening to the channel, or is evicted with its dead
 * instance), by every instance that declared the state with it, with the number of
 * clients the whole cluster still counts on the channel. It runs off the event loop, on a
 * thread that may block, but should answer quickly. Several instances may ask it about
 * one leave; the state is removed once whichever says so first. A rule that throws is
 * logged and counted, and the state stays.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvStateSelfDestruct {

	/**
	 * Destroys the state when its last client has left.
	 */
	EvStateSelfDestruct WHEN_EMPTY = (clientsLeft, createdAt) -> clientsLeft == 0;

	/**
	 * Looks at a leave of the state's channel.
	 * @param clientsLeft how many clients listen to the channel on every instance after
	 * the leave
	 * @param createdAt when this life of the state was created
	 * @return whether to remove the state
	 */
	boolean shouldDestroy(long clientsLeft, Instant createdAt);

}
