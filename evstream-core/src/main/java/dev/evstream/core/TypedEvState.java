package dev.evstream.core;

import java.util.Objects;
import java.util.function.UnaryOperator;

import dev.evstream.core.auth.EvPrincipal;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * A state seen as one Java type. Several views of different types may share one state:
 * each reads the same JSON.
 */
final class TypedEvState<T extends @Nullable Object> implements EvState<T> {

	private final StateCell cell;

	private final JavaType type;

	private final boolean immutable;

	// guarded by this: the decoded value, shared when the type cannot be mutated, and the
	// tree it was read from (a new tree for every version, or life, of the state)
	private @Nullable Object cachedTree;

	private @Nullable T cached;

	TypedEvState(StateCell cell, JavaType type) {
		this.cell = cell;
		this.type = type;
		this.immutable = StateCodec.isImmutable(type);
	}

	@Override
	public String key() {
		return this.cell.key;
	}

	@Override
	@SuppressWarnings("NullAway")
	public T get() {
		StateCell.Snapshot snapshot = this.cell.snapshot();
		if (!this.immutable) {
			return read(snapshot);
		}
		synchronized (this) {
			if (this.cachedTree != snapshot.tree()) {
				this.cached = read(snapshot);
				this.cachedTree = snapshot.tree();
			}
			return this.cached;
		}
	}

	private T read(StateCell.Snapshot snapshot) {
		return this.cell.manager().codec().read(snapshot.tree(), this.type, this.cell.key);
	}

	@Override
	public long version() {
		return this.cell.version();
	}

	@Override
	public Mono<T> set(UnaryOperator<T> update) {
		return this.cell.update(update, this.type);
	}

	@Override
	public Mono<T> set(T value) {
		return set((current) -> value);
	}

	@Override
	public Mono<T> patch(JsonNode mergePatch, EvPrincipal principal) {
		Objects.requireNonNull(mergePatch, "'mergePatch' must not be null");
		Objects.requireNonNull(principal, "'principal' must not be null");
		return this.cell.manager()
			.patch(this.cell, mergePatch, principal, this.type)
			.map((written) -> this.cell.manager().codec().<T>read(written.value(), this.type, this.cell.key));
	}

	JavaType type() {
		return this.type;
	}

	@Override
	public boolean isRemoved() {
		return this.cell.isRemoved();
	}

	@Override
	public String toString() {
		return "EvState[" + this.cell.key + " v" + this.cell.version() + "]";
	}

}
