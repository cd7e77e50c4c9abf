package dev.evstream.spring;

import dev.evstream.core.EvStateManager;
import dev.evstream.core.backend.Backend;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;

import org.springframework.context.SmartLifecycle;

/**
 * Starts evstream's backend when the application starts, and stops it last: the bus
 * subscribes, and the states already in the store are loaded, in the background. Nothing
 * waits for the backend, so an application whose Redis is down starts at once, reports
 * the backend down in its health, and catches up when Redis answers.
 *
 * @since 0.1.0
 */
public class EvstreamBackendLifecycle implements SmartLifecycle {

	/**
	 * The phase of this lifecycle: before the web server and evstream's graceful shutdown
	 * start, after they stop.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

	private static final Log logger = LogFactory.getLog(EvstreamBackendLifecycle.class);

	private final Backend backend;

	private final EvStateManager states;

	private volatile Disposable.Composite running = Disposables.composite();

	private volatile boolean started;

	/**
	 * Creates the lifecycle.
	 * @param backend the backend
	 * @param states the state manager, whose states are loaded once the backend answers
	 */
	public EvstreamBackendLifecycle(Backend backend, EvStateManager states) {
		this.backend = backend;
		this.states = states;
	}

	@Override
	public void start() {
		Disposable.Composite running = Disposables.composite();
		running.add(this.backend.start()
			.subscribe(null, (ex) -> logger.error("evstream's backend " + this.backend + " stopped trying", ex)));
		running.add(this.states.ready()
			.subscribe(null, (ex) -> logger.warn("evstream could not load existing states at start-up; "
					+ "it will when its backend answers: " + ex.getMessage())));
		this.running = running;
		this.started = true;
	}

	@Override
	public void stop() {
		this.running.dispose();
		this.backend.close();
		this.started = false;
	}

	@Override
	public boolean isRunning() {
		return this.started;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
