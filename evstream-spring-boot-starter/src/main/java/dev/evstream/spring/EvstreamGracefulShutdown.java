package dev.evstream.spring;

import java.time.Duration;

import dev.evstream.core.EvStreamManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Ends every stream when the application stops, before the web server's graceful
 * shutdown: new streams are refused with {@code 503}, and each client receives what was
 * queued for it, then {@code end} with a {@code retry} hint, so that it reconnects to
 * another replica and resumes there without loss. Streams whose clients do not read their
 * last events within the close timeout are aborted.
 *
 * @since 0.1.0
 */
public class EvstreamGracefulShutdown implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(EvstreamGracefulShutdown.class);

	private final EvStreamManager streams;

	private final Duration grace;

	private volatile boolean running;

	/**
	 * Creates the lifecycle.
	 * @param streams the stream manager
	 * @param grace the longest wait for streams to write their last events
	 */
	public EvstreamGracefulShutdown(EvStreamManager streams, Duration grace) {
		this.streams = streams;
		this.grace = grace;
	}

	/**
	 * Starts, and after a stop accepts new streams again: a context may be stopped and
	 * started again (the test framework pauses the contexts it caches that way).
	 */
	@Override
	public void start() {
		if (this.streams.isShutdown()) {
			this.streams.resume();
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.streams.shutdown(this.grace).block(this.grace.plusSeconds(1));
		this.running = false;
	}

	@Override
	public void stop(Runnable callback) {
		int open = this.streams.connectionCount();
		this.streams.shutdown(this.grace).subscribe(null, (ex) -> {
			logger.warn("evstream's shutdown did not complete: " + ex.getMessage());
			this.running = false;
			callback.run();
		}, () -> {
			logger.info("evstream ended " + open + " streams");
			this.running = false;
			callback.run();
		});
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops before the web server's graceful shutdown, which would otherwise wait for the
	 * streams, as requests in progress, until its timeout.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
