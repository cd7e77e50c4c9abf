package dev.evstream.redis;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps the first Redis calls off the caller's thread. Until a call has succeeded, the
 * connection factory may still have to open its shared connection, which it does on the
 * thread that subscribes, blocking it until Redis answers or the client gives up (a
 * minute, with a Redis that accepts connections but does not answer). Such calls are
 * subscribed on a thread that may block, so that a caller on an event loop, or an
 * application starting up, waits no longer than the call's timeout; once one has
 * succeeded, calls run where they are made.
 * <p>
 * Those threads are evstream's own, not Reactor's shared bounded elastic ones: a thread
 * stuck connecting (or waiting for the factory's lock meanwhile) must not hold up the
 * application's blocking tasks queued behind it, such as its health checks. They are
 * daemon threads, let go when idle.
 */
final class FirstConnection {

	static final Scheduler CONNECTING = Schedulers.newBoundedElastic(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
			Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "evstream-redis-connect", 60, true);

	private volatile boolean established;

	<T> Mono<T> guard(Mono<T> call) {
		if (this.established) {
			return call;
		}
		return call.doOnSuccess((value) -> this.established = true).subscribeOn(CONNECTING);
	}

}
