package dev.evstream.core.bus;

/**
 * An event carried between instances by the {@link EventBus}.
 *
 * @since 0.1.0
 */
public sealed interface BusEvent permits ChannelMessage, DirectMessage, StateChanged, StateRemoved {

}
