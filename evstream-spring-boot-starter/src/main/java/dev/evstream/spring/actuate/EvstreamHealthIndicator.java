package dev.evstream.spring.actuate;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.backend.Backend;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of evstream: {@code UP} while its bus is connected (always, in memory),
 * {@code DOWN} while it is not, when this instance can neither write states nor hear from
 * the others; with the backend and the open connections as details.
 *
 * @since 0.1.0
 */
public class EvstreamHealthIndicator extends AbstractHealthIndicator {

	private final EvStreamManager streams;

	private final Backend backend;

	/**
	 * Creates the indicator.
	 * @param streams the stream manager
	 * @param backend the backend it shares with the other instances
	 */
	public EvstreamHealthIndicator(EvStreamManager streams, Backend backend) {
		super("evstream health check failed");
		this.streams = streams;
		this.backend = backend;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		EvstreamEndpoint.BackendDescriptor backend = EvstreamEndpoint.describe(this.backend);
		builder
			.status(backend.connected() ? org.springframework.boot.health.contributor.Status.UP
					: org.springframework.boot.health.contributor.Status.DOWN)
			.withDetail("backend", backend.name())
			.withDetail("connections", this.streams.connectionCount());
		if (!backend.connected()) {
			builder.withDetail("reason", "the event bus is disconnected from " + backend.name());
		}
	}

}
