package dev.evstream.core;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.contract.BackendContract;
import dev.evstream.core.memory.InMemoryBackend;

/**
 * The in-memory backend meets the contract of every backend.
 */
class InMemoryBackendTests extends BackendContract {

	@Override
	protected Backend createBackend() {
		return InMemoryBackend.builder().historySize(HISTORY_SIZE).historyMaxBytes(1 << 20).build();
	}

}
