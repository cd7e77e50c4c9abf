package dev.evstream.sample;

import dev.evstream.core.record.EvActionAuthorizer;
import dev.evstream.core.record.EvRecordSet;
import dev.evstream.core.record.EvRecordSetModel;
import dev.evstream.core.record.EvRecords;
import org.jspecify.annotations.Nullable;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One todo list shared by everybody, as partysync's todo fixture: record set
 * {@value #NAME}, whose records are the rows of table {@code shared_todos} in the
 * application's database (H2 in memory by default, PostgreSQL for replicas). Pages send
 * actions, {@code {"type":"create|update|toggle|delete","payload":{…}}}, with
 * {@code POST /evstream/actions/shared-todos}; {@link SharedTodoActions} applies them in
 * a transaction and evstream broadcasts the rows they changed. It is apart from the
 * per-user todo lists of {@link TodoCollection}.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
public class SharedTodos {

	static final String NAME = "shared-todos";

	@Bean
	EvRecordSet<SharedTodo, Action> sharedTodoRecords(EvRecords records, SharedTodoTable table,
			SharedTodoActions actions) {
		EvRecordSetModel<SharedTodo, Action> model = EvRecordSetModel.of(SharedTodo.class, Action.class)
			.id(SharedTodo::id)
			.version(SharedTodo::updatedAt)
			.deleted((todo) -> todo.deletedAt() != null)
			.loader(table::changedSince)
			.onAction((recordSet, action, principal) -> actions.apply(action));
		return records.register(NAME, model);
	}

	/**
	 * Lets every client that reaches the endpoint send actions to the shared list: the
	 * {@code secure} profile lets only users in, the default one everyone; the handler
	 * then refuses bad actions.
	 * @return the action authorizer
	 */
	@Bean
	EvActionAuthorizer sharedTodoActionAuthorizer() {
		return (principal, recordSet, action) -> NAME.equals(recordSet);
	}

	/**
	 * One todo, a row of {@code shared_todos}.
	 *
	 * @param id its id, chosen by the client that created it
	 * @param text what to do
	 * @param completed whether it is done
	 * @param createdAt when it was created, in milliseconds since the epoch
	 * @param updatedAt its version: when it last changed, in milliseconds since the
	 * epoch, made to grow on every change
	 * @param deletedAt when it was deleted, or {@code null} while it is not
	 */
	public record SharedTodo(String id, String text, boolean completed, long createdAt, long updatedAt,
			@Nullable Long deletedAt) {
	}

	/**
	 * An action on the list, as a page sends it.
	 *
	 * @param type {@code create}, {@code update} (its text), {@code toggle} or
	 * {@code delete}
	 * @param payload what the action needs: the todo's {@code id}; its {@code text} to
	 * create or update it; whether it is {@code completed} when created (not by default)
	 */
	public record Action(@Nullable String type, @Nullable Payload payload) {
	}

	/**
	 * The payload of an action.
	 *
	 * @param id the todo's id
	 * @param text its text, for {@code create} and {@code update}
	 * @param completed whether it is done, for {@code create}
	 */
	public record Payload(@Nullable String id, @Nullable String text, @Nullable Boolean completed) {
	}

}
