package dev.evstream.core.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.GroupSnapshot;
import dev.evstream.core.store.ItemWrite;
import dev.evstream.core.store.ItemWriteResult;
import dev.evstream.core.store.ItemWriteResult.Outcome;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.StoredItem;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link CollectionStore} of a single instance. Each group has a lock under which its
 * items change and its channel's messages are appended, so a snapshot and the position it
 * names are read together, and store order is delivery order.
 *
 * @since 0.1.0
 */
public final class InMemoryCollectionStore implements CollectionStore {

	private final InMemoryChannelHistory history;

	private final ConcurrentMap<String, Group> groups = new ConcurrentHashMap<>();

	private final RecentOperations<Boolean> operations = new RecentOperations<>(StateStore.OPERATION_RETENTION,
			RecentOperations.DEFAULT_CAPACITY);

	InMemoryCollectionStore(InMemoryChannelHistory history) {
		this.history = history;
	}

	@Override
	public Mono<StoredItem> get(String stream, String group, String id) {
		return Mono.fromSupplier(() -> {
			Group found = this.groups.get(channel(stream, group));
			return (found != null) ? found.get(id) : null;
		});
	}

	@Override
	public Mono<GroupSnapshot> snapshot(String stream, String group) {
		return Mono.fromSupplier(() -> {
			String channel = channel(stream, group);
			// the position first: a write that creates the group meanwhile comes after it
			long position = this.history.headNow(channel);
			Group found = this.groups.get(channel);
			return (found != null) ? found.snapshot() : new GroupSnapshot(position, List.of());
		});
	}

	@Override
	public Flux<String> groups(String stream) {
		String prefix = stream + "/";
		return Flux.defer(() -> {
			List<String> names = new ArrayList<>();
			this.groups.forEach((channel, group) -> {
				if (channel.startsWith(prefix) && group.size() > 0) {
					names.add(channel.substring(prefix.length()));
				}
			});
			return Flux.fromIterable(names);
		});
	}

	@Override
	public Mono<ItemWriteResult> write(ItemWrite write) {
		return Mono.fromSupplier(() -> this.groups.computeIfAbsent(write.channel(), Group::new).write(write));
	}

	@Override
	public Mono<Long> send(String stream, String group, String data) {
		return Mono.fromSupplier(() -> this.groups.computeIfAbsent(channel(stream, group), Group::new).send(data));
	}

	private static String channel(String stream, String group) {
		return stream + "/" + group;
	}

	/**
	 * One group's items; every method holds its lock. An empty group stays in the map: an
	 * empty group costs a few objects, and forgetting it would race with a write.
	 */
	private final class Group {

		private final String channel;

		private final Map<String, StoredItem> items = new HashMap<>();

		Group(String channel) {
			this.channel = channel;
		}

		synchronized @Nullable StoredItem get(String id) {
			return this.items.get(id);
		}

		synchronized int size() {
			return this.items.size();
		}

		synchronized GroupSnapshot snapshot() {
			return new GroupSnapshot(InMemoryCollectionStore.this.history.headNow(this.channel),
					new ArrayList<>(this.items.values()));
		}

		synchronized ItemWriteResult write(ItemWrite write) {
			StoredItem current = this.items.get(write.id());
			String operationId = write.operationId();
			RecentOperations operations = InMemoryCollectionStore.this.operations;
			if (operationId != null && operations.seen(this.channel, operationId)) {
				return new ItemWriteResult(Outcome.REPEATED, current, 0);
			}
			long version = (current != null) ? current.version() : 0;
			if (version != write.expectedVersion()) {
				return new ItemWriteResult(Outcome.CONFLICT, current, 0);
			}
			if (current == null && write.maxItems() > 0 && this.items.size() >= write.maxItems()) {
				return new ItemWriteResult(Outcome.GROUP_FULL, null, 0);
			}
			StoredItem next = null;
			if (write.isDelete()) {
				this.items.remove(write.id());
			}
			else {
				next = new StoredItem(write.id(), version + 1, write.json());
				this.items.put(write.id(), next);
			}
			if (operationId != null) {
				operations.remember(this.channel, operationId, Boolean.TRUE);
			}
			return new ItemWriteResult(Outcome.WRITTEN, next, send(write.message()));
		}

		synchronized long send(String data) {
			return InMemoryCollectionStore.this.history.appendNow(this.channel, this.channel, data);
		}

	}

}
