package dev.evstream.core;

import java.time.Duration;

import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.json.JsonMapper;

/**
 * In-memory engines for tests.
 */
final class Engines {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private Engines() {
	}

	static EvStreamManager.Builder streams() {
		return EvStreamManager.builder().jsonMapper(JSON);
	}

	static EvStreamManager streams(Scheduler scheduler) {
		return streams().scheduler(scheduler).heartbeat(Duration.ofSeconds(15)).build();
	}

	static EvStateManager states(EvStreamManager streams) {
		return new EvStateManager(streams, JSON);
	}

}
