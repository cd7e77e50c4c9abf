package dev.evstream.sample;

import dev.evstream.sample.SharedTodos.SharedTodo;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The rows of record set {@code shared-todos}, table {@code shared_todos}
 * ({@code schema.sql}), in SQL that H2 and PostgreSQL both run. A todo's version is its
 * {@code updated_at}: each change sets it to the time in milliseconds, or to one more
 * than it was when that is not later, so that it grows with every change of the row even
 * within one millisecond, and two replicas changing one row at once give it two versions.
 * Deleting a todo sets {@code deleted_at} and keeps the row, so that clients learn of the
 * deletion by its version.
 *
 * @since 0.1.0
 */
@Component
public class SharedTodoTable {

	private static final String COLUMNS = "id, text, completed, created_at, updated_at, deleted_at";

	private static final String NEXT_VERSION = "updated_at = GREATEST(updated_at + 1, :now)";

	private final DatabaseClient database;

	SharedTodoTable(DatabaseClient database) {
		this.database = database;
	}

	/**
	 * Reads the todos changed after a version, deleted ones included.
	 * @param sinceVersion the version, {@code 0} for every todo
	 * @return the todos, in no particular order
	 */
	public Flux<SharedTodo> changedSince(long sinceVersion) {
		return this.database.sql("SELECT " + COLUMNS + " FROM shared_todos WHERE updated_at > :since")
			.bind("since", sinceVersion)
			.map(SharedTodoTable::todo)
			.all();
	}

	/**
	 * Reads one todo, deleted or not.
	 * @param id its id
	 * @return the todo, or empty when there is none
	 */
	public Mono<SharedTodo> find(String id) {
		return this.database.sql("SELECT " + COLUMNS + " FROM shared_todos WHERE id = :id")
			.bind("id", id)
			.map(SharedTodoTable::todo)
			.one();
	}

	/**
	 * Inserts a todo, whose id the client chose.
	 * @param id its id
	 * @param text its text
	 * @param completed whether it is done
	 * @return the number of rows inserted
	 */
	Mono<Long> insert(String id, String text, boolean completed) {
		long now = System.currentTimeMillis();
		return this.database
			.sql("INSERT INTO shared_todos (" + COLUMNS + ") VALUES (:id, :text, :completed, :now, :now, NULL)")
			.bind("id", id)
			.bind("text", text)
			.bind("completed", completed)
			.bind("now", now)
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Changes the text of a todo that is not deleted.
	 * @param id its id
	 * @param text the new text
	 * @return the number of rows changed
	 */
	Mono<Long> edit(String id, String text) {
		return change("text = :text", id).bind("text", text).fetch().rowsUpdated();
	}

	/**
	 * Marks a todo that is not deleted done, or not done when it was.
	 * @param id its id
	 * @return the number of rows changed
	 */
	Mono<Long> toggle(String id) {
		return change("completed = NOT completed", id).fetch().rowsUpdated();
	}

	/**
	 * Soft-deletes a todo that is not deleted yet.
	 * @param id its id
	 * @return the number of rows changed
	 */
	Mono<Long> delete(String id) {
		return change("deleted_at = :now", id).fetch().rowsUpdated();
	}

	private DatabaseClient.GenericExecuteSpec change(String assignment, String id) {
		return this.database
			.sql("UPDATE shared_todos SET " + assignment + ", " + NEXT_VERSION
					+ " WHERE id = :id AND deleted_at IS NULL")
			.bind("id", id)
			.bind("now", System.currentTimeMillis());
	}

	private static SharedTodo todo(Readable row) {
		return new SharedTodo(row.get("id", String.class), row.get("text", String.class),
				Boolean.TRUE.equals(row.get("completed", Boolean.class)), longOf(row, "created_at"),
				longOf(row, "updated_at"), row.get("deleted_at", Long.class));
	}

	private static long longOf(Readable row, String column) {
		Long value = row.get(column, Long.class);
		if (value == null) {
			throw new IllegalStateException("Column '" + column + "' of shared_todos is null");
		}
		return value;
	}

}
