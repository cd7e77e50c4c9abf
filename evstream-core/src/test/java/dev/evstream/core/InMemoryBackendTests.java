package dev.evstream.core;

import dev.evstream.core.bus.InMemoryEventBus;
import dev.evstream.core.contract.Backend;
import dev.evstream.core.contract.BackendContract;
import dev.evstream.core.history.InMemoryChannelHistory;
import dev.evstream.core.store.InMemoryStateStore;

/**
 * The in-memory backend meets the contract of every backend.
 */
class InMemoryBackendTests extends BackendContract {

	@Override
	protected Backend createBackend() {
		InMemoryEventBus bus = new InMemoryEventBus();
		return new Backend(bus, new InMemoryStateStore(bus), new InMemoryChannelHistory(bus, HISTORY_SIZE), () -> {
		});
	}

}
