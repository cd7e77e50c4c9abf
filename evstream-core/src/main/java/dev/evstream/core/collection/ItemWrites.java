package dev.evstream.core.collection;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import dev.evstream.core.EvException;
import dev.evstream.core.EvUnavailableException;
import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.ItemWrite;
import dev.evstream.core.store.ItemWriteResult;
import dev.evstream.core.store.StoredItem;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The write path of collections: reads an item, computes its next value, and writes it
 * with its change event if the item did not change meanwhile, else computes again from
 * the value that won. Writes of one item on this instance take turns.
 */
final class ItemWrites {

	private final CollectionStore store;

	private final EvCollectionLimits limits;

	private final ItemQueue queue = new ItemQueue();

	ItemWrites(CollectionStore store, EvCollectionLimits limits) {
		this.store = store;
		this.limits = limits;
	}

	/**
	 * Writes an item; the change runs again after every conflict.
	 * @return what the item was and became, when the store answered
	 */
	Mono<Written> write(String stream, String group, String id, Change change, @Nullable String operationId) {
		String channel = stream + "/" + group;
		return this.queue
			.enqueue(channel + "/" + id,
					() -> attempt(new Target(stream, group, id, channel), change, operationId,
							bounded(this.store.get(stream, group, id)).map(Optional::of)
								.defaultIfEmpty(Optional.empty())))
			.onErrorMap((ex) -> !(ex instanceof EvException || ex instanceof IllegalArgumentException),
					(ex) -> new EvUnavailableException("Could not write item '" + id + "' of '" + channel
							+ "': the collection store did not answer", ex));
	}

	private Mono<Written> attempt(Target target, Change change, @Nullable String operationId,
			Mono<Optional<StoredItem>> read) {
		return read.flatMap((current) -> {
			StoredItem before = current.orElse(null);
			String next = change.next(before);
			if (before == null && next == null) {
				return Mono.just(new Written(null, null, false));
			}
			if (next != null) {
				checkSize(target, next);
			}
			String op = (next == null) ? "delete" : (before == null) ? "create" : "update";
			ItemWrite write = new ItemWrite(target.stream, target.group, target.id,
					(before != null) ? before.version() : 0, next,
					ChangeEvents.change(op, target.id, next, operationId), operationId,
					(before == null) ? this.limits.maxItemsPerGroup() : 0);
			return bounded(this.store.write(write))
				.flatMap((result) -> outcome(target, change, operationId, before, result));
		});
	}

	private Mono<Written> outcome(Target target, Change change, @Nullable String operationId,
			@Nullable StoredItem before, ItemWriteResult result) {
		return switch (result.outcome()) {
			case WRITTEN -> Mono.just(new Written(before, result.item(), true));
			case REPEATED -> Mono.just(new Written(result.item(), result.item(), false));
			case GROUP_FULL -> Mono.error(new EvCollectionLimitException("Collection group '" + target.channel
					+ "' already holds " + this.limits.maxItemsPerGroup() + " items, the most allowed"));
			case CONFLICT -> attempt(target, change, operationId, Mono.just(Optional.ofNullable(result.item())));
		};
	}

	private void checkSize(Target target, String json) {
		int bytes = json.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > this.limits.maxItemBytes()) {
			throw new EvCollectionLimitException("Item '" + target.id + "' of '" + target.channel + "' would be "
					+ bytes + " bytes, over the limit of " + this.limits.maxItemBytes());
		}
	}

	private <T> Mono<T> bounded(Mono<T> call) {
		Duration timeout = this.store.timeout();
		return (timeout != null) ? call.timeout(timeout) : call;
	}

	/**
	 * Computes an item's next JSON text from its current one.
	 */
	@FunctionalInterface
	interface Change {

		/**
		 * @param current the item as stored, or {@code null} if there is none
		 * @return the next JSON text, or {@code null} to delete the item
		 * @throws RuntimeException to refuse the write, which then writes nothing
		 */
		@Nullable String next(@Nullable StoredItem current);

	}

	/**
	 * The outcome of a write.
	 *
	 * @param before the item before the write
	 * @param after the item after it
	 * @param changed whether this call wrote: not for a delete of a missing item, nor for
	 * a repeated operation id
	 */
	record Written(@Nullable StoredItem before, @Nullable StoredItem after, boolean changed) {
	}

	private record Target(String stream, String group, String id, String channel) {
	}

}
