package dev.evstream.spring.actuate;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.util.Assert;

/**
 * A health indicator that answers within a timeout: {@code DOWN} when the indicator it
 * bounds has not answered by then. The check is subscribed on a thread that may block, so
 * that an indicator that blocks while it connects is bounded too; those threads are its
 * own (daemon, let go when idle), so that a check stuck connecting does not hold up the
 * other blocking health checks, which run on Reactor's shared threads.
 */
final class BoundedReactiveHealthIndicator implements ReactiveHealthIndicator {

	private static final Scheduler CHECKS = Schedulers.newBoundedElastic(Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
			Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE, "evstream-health", 60, true);

	private final ReactiveHealthIndicator delegate;

	private final Duration timeout;

	BoundedReactiveHealthIndicator(ReactiveHealthIndicator delegate, Duration timeout) {
		Assert.notNull(delegate, "'delegate' must not be null");
		Assert.notNull(timeout, "'timeout' must not be null");
		this.delegate = delegate;
		this.timeout = timeout;
	}

	@Override
	public Mono<Health> health() {
		return bound(Mono.defer(this.delegate::health));
	}

	@Override
	public Mono<Health> health(boolean includeDetails) {
		return bound(Mono.defer(() -> this.delegate.health(includeDetails)));
	}

	private Mono<Health> bound(Mono<Health> check) {
		return check.subscribeOn(CHECKS)
			.timeout(this.timeout)
			.onErrorResume(TimeoutException.class, (ex) -> Mono.just(
					Health.down().withDetail("error", "No answer within " + this.timeout.toMillis() + " ms").build()));
	}

}
