package dev.evstream.core.collection;

/**
 * Runs once for every change of the items it was registered for, across all instances: on
 * the instance that made the change, after it was stored, off the event loops (it may
 * block). A trigger that throws is logged and counted; the change stands.
 *
 * @param <T> the type of the collection's items
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvCollectionTrigger<T> {

	/**
	 * Reacts to a change.
	 * @param change the change
	 * @throws Exception if the reaction failed; it is logged and counted
	 */
	void onChange(EvCollectionChange<T> change) throws Exception;

}
