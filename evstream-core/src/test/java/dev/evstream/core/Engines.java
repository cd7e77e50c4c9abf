package dev.evstream.core;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.bus.EventBus;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.LogStore;
import dev.evstream.core.store.OperationStore;
import dev.evstream.core.store.PresenceStore;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.TicketStore;
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

	/**
	 * A backend made of given parts, for tests that wrap one of them.
	 */
	static Backend backend(EventBus bus, StateStore stateStore, ChannelHistory channelHistory) {
		return new Parts(bus, stateStore, channelHistory);
	}

	private record Parts(EventBus bus, StateStore stateStore, ChannelHistory channelHistory) implements Backend {

		@Override
		public CollectionStore collectionStore() {
			throw new UnsupportedOperationException("A backend of parts has no collection store");
		}

		@Override
		public LogStore logStore() {
			throw new UnsupportedOperationException("A backend of parts has no log store");
		}

		@Override
		public OperationStore operationStore() {
			throw new UnsupportedOperationException("A backend of parts has no operation store");
		}

		@Override
		public PresenceStore presenceStore() {
			throw new UnsupportedOperationException("A backend of parts has no presence store");
		}

		@Override
		public TicketStore ticketStore() {
			throw new UnsupportedOperationException("A backend of parts has no ticket store");
		}

	}

}
