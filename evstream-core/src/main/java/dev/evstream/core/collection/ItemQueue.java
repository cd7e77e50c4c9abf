package dev.evstream.core.collection;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs this instance's writes of one item one after the other. Each write reads the item
 * and writes it back only if no one else wrote meanwhile; writes of one instance that ran
 * at once would mostly fail each other, so they wait their turn here, and only other
 * instances' writes can make one try again.
 */
final class ItemQueue {

	private final ConcurrentMap<String, Mono<Void>> tails = new ConcurrentHashMap<>();

	<R> Mono<R> enqueue(String item, Supplier<Mono<R>> write) {
		return Mono.defer(() -> {
			Sinks.Empty<Void> done = Sinks.empty();
			Mono<Void> mine = done.asMono();
			Mono<Void> before = this.tails.put(item, mine);
			Mono<Void> turn = (before != null) ? before : Mono.empty();
			return turn.then(Mono.defer(write)).doFinally((signal) -> {
				this.tails.remove(item, mine);
				done.tryEmitEmpty();
			});
		});
	}

}
