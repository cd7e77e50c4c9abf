package dev.evstream.core;

import java.time.Duration;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.contract.BackendContract;
import dev.evstream.core.memory.InMemoryBackend;

/**
 * The in-memory backend meets the contract of every backend.
 */
class InMemoryBackendTests extends BackendContract {

	@Override
	protected Backend createBackend() {
		return new InMemoryBackend(HISTORY_SIZE, Duration.ofDays(1), 1 << 20);
	}

}
