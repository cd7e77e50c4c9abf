package dev.evstream.core.contract;

import dev.evstream.core.bus.EventBus;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.store.StateStore;

/**
 * One backend under test: a bus with the store and history that publish on it, isolated
 * from every other test.
 *
 * @param bus the bus
 * @param store the state store
 * @param history the channel history, keeping {@link BackendContract#HISTORY_SIZE}
 * messages per channel
 * @param closer releases what the backend holds
 */
public record Backend(EventBus bus, StateStore store, ChannelHistory history, AutoCloseable closer) {

}
