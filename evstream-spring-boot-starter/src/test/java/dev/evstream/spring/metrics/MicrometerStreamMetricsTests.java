package dev.evstream.spring.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerStreamMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerStreamMetrics metrics = new MicrometerStreamMetrics(this.registry, false);

	@Test
	void triggerFailedShouldCountByModel() {
		this.metrics.triggerFailed("collection");
		this.metrics.triggerFailed("collection");
		this.metrics.triggerFailed("presence");
		assertThat(this.registry.get("evstream.triggers.failed").tag("model", "collection").counter().count())
			.isEqualTo(2);
		assertThat(this.registry.get("evstream.triggers.failed").tag("model", "presence").counter().count())
			.isEqualTo(1);
	}

}
