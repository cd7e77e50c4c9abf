package dev.evstream.spring.web;

import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;

/**
 * Finds the event loop of a Reactor Netty response. Loaded only when Reactor Netty is
 * present.
 */
final class ReactorNettyEventLoops {

	private ReactorNettyEventLoops() {
	}

	static @Nullable Executor of(Object nativeResponse) {
		return (nativeResponse instanceof Connection connection) ? connection.channel().eventLoop() : null;
	}

}
