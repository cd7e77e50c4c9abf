package dev.evstream.core.record;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * The application's database in these tests: one table of todos, each row with its id,
 * text, version and soft-delete time. Versions come from one counter for the whole table,
 * as from a database sequence, so that the rows changed since a version can be read; each
 * change takes the next one in the same step, as a transaction would.
 */
final class TodoTable {

	private final Map<String, Todo> rows = new TreeMap<>();

	private long lastVersion;

	/**
	 * Applies an action as an application's handler does in its transaction, and returns
	 * the rows it changed.
	 */
	synchronized List<Todo> apply(TodoAction action) {
		Todo row = this.rows.get(action.id());
		switch (action.type()) {
			case "create":
				if (row != null) {
					throw new EvActionRefusedException("Todo '" + action.id() + "' exists already");
				}
				return List.of(write(new Todo(action.id(), text(action), 0, null)));
			case "edit":
				if (row == null || row.deletedAt() != null) {
					throw new EvActionRefusedException("Todo '" + action.id() + "' does not exist");
				}
				if (row.text().equals(action.text())) {
					return List.of();
				}
				return List.of(write(new Todo(row.id(), text(action), 0, null)));
			case "delete":
				if (row == null || row.deletedAt() != null) {
					return List.of();
				}
				return List.of(write(new Todo(row.id(), row.text(), 0, 1_700_000_000_000L + this.lastVersion)));
			default:
				throw new EvActionRefusedException("Unknown action '" + action.type() + "'");
		}
	}

	synchronized Todo put(String id, String text) {
		return write(new Todo(id, text, 0, null));
	}

	synchronized Todo delete(String id) {
		Todo row = this.rows.get(id);
		if (row == null) {
			throw new IllegalStateException("No todo '" + id + "'");
		}
		return write(new Todo(id, row.text(), 0, 1_700_000_000_000L + this.lastVersion));
	}

	synchronized @Nullable Todo row(String id) {
		return this.rows.get(id);
	}

	/**
	 * The rows, live and soft-deleted, by id.
	 */
	synchronized Map<String, Todo> rows() {
		return new TreeMap<>(this.rows);
	}

	/**
	 * The rows changed after a version, in an order other than the ids', as a database
	 * may return them.
	 */
	synchronized List<Todo> since(long version) {
		List<Todo> changed = new ArrayList<>();
		for (Todo row : this.rows.values()) {
			if (row.version() > version) {
				changed.add(row);
			}
		}
		changed.sort(Comparator.comparing(Todo::id).reversed());
		return changed;
	}

	synchronized long lastVersion() {
		return this.lastVersion;
	}

	private Todo write(Todo row) {
		Todo written = new Todo(row.id(), row.text(), ++this.lastVersion, row.deletedAt());
		this.rows.put(written.id(), written);
		return written;
	}

	private static String text(TodoAction action) {
		if (action.text() == null) {
			throw new EvActionRefusedException("A todo needs a text");
		}
		return action.text();
	}

	record Todo(String id, String text, long version, @Nullable Long deletedAt) {

		boolean deleted() {
			return this.deletedAt != null;
		}

	}

	record TodoAction(String type, String id, @Nullable String text) {

		static TodoAction create(String id, String text) {
			return new TodoAction("create", id, text);
		}

		static TodoAction edit(String id, String text) {
			return new TodoAction("edit", id, text);
		}

		static TodoAction delete(String id) {
			return new TodoAction("delete", id, null);
		}

	}

}
