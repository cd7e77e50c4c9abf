package dev.evstream.sample;

import java.util.regex.Pattern;

import dev.evstream.core.record.EvActionRefusedException;
import dev.evstream.sample.SharedTodos.Action;
import dev.evstream.sample.SharedTodos.Payload;
import dev.evstream.sample.SharedTodos.SharedTodo;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Applies the actions of record set {@code shared-todos}, each in one transaction, and
 * gives the todos it changed as they are once it committed. It refuses, changing nothing,
 * an action of unknown type, without an id, with an empty or too long text, or on a todo
 * that does not exist or is deleted. A {@code create} of an id that exists changes
 * nothing, so that a client that sends its create again, even under another operation id,
 * creates one todo; a {@code delete} of a deleted todo changes nothing too.
 *
 * @since 0.1.0
 */
@Component
class SharedTodoActions {

	static final int MAX_TEXT_LENGTH = 200;

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");

	private final SharedTodoTable table;

	private final TransactionalOperator transactions;

	SharedTodoActions(SharedTodoTable table, TransactionalOperator transactions) {
		this.table = table;
		this.transactions = transactions;
	}

	/**
	 * Applies an action.
	 * @param action the action
	 * @return the todos it changed, after it committed: none, or the one it names
	 * @throws EvActionRefusedException if the action is refused
	 */
	Flux<SharedTodo> apply(Action action) {
		String type = action.type();
		if (type == null) {
			throw new EvActionRefusedException("An action needs a type: create, update, toggle or delete");
		}
		Payload payload = action.payload();
		if (payload == null) {
			throw new EvActionRefusedException("Action '" + type + "' needs a payload");
		}
		String id = id(payload);
		Mono<SharedTodo> changed = switch (type) {
			case "create" -> create(id, text(payload), Boolean.TRUE.equals(payload.completed()));
			case "update" -> change(this.table.edit(id, text(payload)), id);
			case "toggle" -> change(this.table.toggle(id), id);
			case "delete" -> delete(id);
			default -> throw new EvActionRefusedException(
					"Unknown action type '" + type + "': create, update, toggle or delete");
		};
		// two creates of one id at once: the later one meets the primary key, and changed
		// nothing
		return this.transactions.transactional(changed.flux())
			.onErrorResume(DuplicateKeyException.class, (ex) -> Flux.empty());
	}

	private Mono<SharedTodo> create(String id, String text, boolean completed) {
		// a create sent again finds its todo and changes nothing
		return this.table.find(id)
			.hasElement()
			.flatMap((exists) -> exists ? Mono.<SharedTodo>empty()
					: this.table.insert(id, text, completed).then(this.table.find(id)));
	}

	private Mono<SharedTodo> change(Mono<Long> update, String id) {
		return update.flatMap((rows) -> (rows > 0) ? this.table.find(id) : refusal(id));
	}

	private Mono<SharedTodo> delete(String id) {
		// a todo deleted already stays as it was
		return this.table.delete(id)
			.flatMap((rows) -> (rows > 0) ? this.table.find(id)
					: this.table.find(id).switchIfEmpty(Mono.error(() -> noTodo(id))).then(Mono.empty()));
	}

	/**
	 * Refuses a change of a todo the update found no row of: it is deleted, or there is
	 * none.
	 */
	private Mono<SharedTodo> refusal(String id) {
		return this.table.find(id)
			.switchIfEmpty(Mono.error(() -> noTodo(id)))
			.flatMap((todo) -> Mono.error(new EvActionRefusedException("Todo '" + id + "' is deleted")));
	}

	private static EvActionRefusedException noTodo(String id) {
		return new EvActionRefusedException("There is no todo '" + id + "'");
	}

	private static String id(Payload payload) {
		String id = payload.id();
		if (id == null || !ID.matcher(id).matches()) {
			throw new EvActionRefusedException("'id' must be 1 to 64 of A-Z a-z 0-9 _ . : @ -, but was "
					+ ((id != null) ? "'" + id + "'" : "missing"));
		}
		return id;
	}

	private static String text(Payload payload) {
		String text = payload.text();
		if (text == null || text.isBlank()) {
			throw new EvActionRefusedException("'text' must not be empty");
		}
		if (text.length() > MAX_TEXT_LENGTH) {
			throw new EvActionRefusedException(
					"'text' must be at most " + MAX_TEXT_LENGTH + " characters, but has " + text.length());
		}
		return text;
	}

}
