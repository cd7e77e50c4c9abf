package dev.evstream.sample;

import dev.evstream.core.log.EvLog;
import dev.evstream.core.log.EvLogAppendAuthorizer;
import dev.evstream.core.log.EvLogEventRejectedException;
import dev.evstream.core.log.EvLogModel;
import dev.evstream.core.log.EvLogs;
import org.jspecify.annotations.Nullable;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Krmx's claimable counter, as event log {@value #LOG}: anyone may increment the counter
 * while no one has claimed it; once claimed, only the claimer may increment it, until it
 * releases it. Pages append events directly with
 * {@code POST /evstream/logs/claimable-counter}; the handlers below judge each one
 * against the latest state, and the page derives the state from the events with the same
 * rules in JavaScript. Dispatchers are named after their principal ({@code anonymous} for
 * anonymous visitors, whom the default profile lets everyone be).
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
public class ClaimableCounter {

	static final String LOG = "claimable-counter";

	static final String CLAIMED_BY_SOMEONE_ELSE = "claimed by someone else";

	@Bean
	EvLog<Counter> claimableCounterLog(EvLogs logs) {
		EvLogModel<Counter> model = EvLogModel.of(Counter.class, new Counter(0, null))
			.when("increment", Integer.class, (state, dispatcher, amount) -> {
				if (state.claim() != null && !state.claim().equals(dispatcher.name())) {
					throw new EvLogEventRejectedException(CLAIMED_BY_SOMEONE_ELSE);
				}
				if (amount == null) {
					throw new EvLogEventRejectedException("an increment needs an amount");
				}
				return new Counter(state.counter() + amount, state.claim());
			})
			.when("claim", Void.class, (state, dispatcher, none) -> {
				if (state.claim() != null) {
					throw new EvLogEventRejectedException("already claimed");
				}
				return new Counter(state.counter(), dispatcher.name());
			})
			.when("release", Void.class, (state, dispatcher, none) -> {
				if (!dispatcher.name().equals(state.claim())) {
					throw new EvLogEventRejectedException(CLAIMED_BY_SOMEONE_ELSE);
				}
				return new Counter(state.counter(), null);
			});
		return logs.register(LOG, model);
	}

	/**
	 * Lets every client that reaches the endpoint try to append to the counter: the
	 * {@code secure} profile lets only users in, the default one everyone; the handlers
	 * then judge each event.
	 * @return the append authorizer
	 */
	@Bean
	EvLogAppendAuthorizer claimableCounterAppends() {
		return (principal, log, event) -> LOG.equals(log);
	}

	/**
	 * The counter's state.
	 *
	 * @param counter the count
	 * @param claim who holds the claim, or {@code null} when no one does
	 */
	public record Counter(int counter, @Nullable String claim) {
	}

}
