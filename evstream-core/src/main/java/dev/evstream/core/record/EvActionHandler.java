package dev.evstream.core.record;

import dev.evstream.core.auth.EvPrincipal;
import org.reactivestreams.Publisher;

/**
 * Applies an action to the application's database, as partysync's
 * {@code onAction(channel, action)}, and gives the records it changed, soft-deleted ones
 * included, with the versions the database gave them. Its publisher completes once the
 * change is committed (run it in a transaction, such as Spring's
 * {@code TransactionalOperator}); only then are the records broadcast.
 * <p>
 * It runs on a thread that may block. To refuse an action, throw or signal
 * {@link EvActionRefusedException} and change nothing.
 *
 * @param <R> the type of the records
 * @param <A> the type of the actions
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvActionHandler<R, A> {

	/**
	 * Applies an action.
	 * @param recordSet the record set's name, which is also its channel
	 * @param action the action
	 * @param principal who asked for it
	 * @return the records the action changed, after it committed
	 */
	Publisher<R> onAction(String recordSet, A action, EvPrincipal principal);

}
