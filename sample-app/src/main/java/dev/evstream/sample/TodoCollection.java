package dev.evstream.sample;

import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.collection.EvCollection;
import dev.evstream.core.collection.EvCollectionWriteAuthorizer;
import dev.evstream.core.collection.EvCollections;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The per-user todo lists of the sample page: collection {@code todos}, one group per
 * user, named after the principal ({@value #GUEST} for anonymous visitors, whom the
 * default profile lets everyone be). Pages write their own group directly with
 * {@code POST /evstream/collections/todos/{group}/{id}}; the write authorizer refuses any
 * other group, and the channel authorizer keeps other users' groups from being listened
 * to or listed.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
public class TodoCollection {

	static final String STREAM = "todos";

	static final String GUEST = "guest";

	private static final String CHANNEL_PREFIX = STREAM + "/";

	@Bean
	EvCollection<Todo> todos(EvCollections collections) {
		return collections.collection(STREAM, Todo.class);
	}

	@Bean
	EvCollectionWriteAuthorizer todoWrites() {
		return (principal, stream, write) -> STREAM.equals(stream) && write.group().equals(groupOf(principal));
	}

	/**
	 * Listening rule of the default profile; the {@code secure} profile's authorizer
	 * applies {@link #mayListen} as well, since evstream takes one authorizer.
	 * @return the channel authorizer
	 */
	@Bean
	@Profile("!secure")
	ChannelAuthorizer todoChannelAuthorizer() {
		return (principal, channel) -> Mono.just(mayListen(principal, channel));
	}

	/**
	 * Whether a principal may listen to a channel, as far as todo lists go: to its own
	 * group only.
	 * @param principal who asks
	 * @param channel the channel
	 * @return whether the channel is no todo list or the principal's own
	 */
	static boolean mayListen(EvPrincipal principal, String channel) {
		return !channel.startsWith(CHANNEL_PREFIX) || channel.equals(CHANNEL_PREFIX + groupOf(principal));
	}

	/**
	 * The group holding a principal's todos.
	 * @param principal the principal
	 * @return its name, or {@value #GUEST} for the anonymous principal
	 */
	static String groupOf(EvPrincipal principal) {
		return principal.equals(EvPrincipal.anonymous()) ? GUEST : principal.name();
	}

	/**
	 * One todo.
	 *
	 * @param title what to do
	 * @param completed whether it is done
	 */
	public record Todo(String title, boolean completed) {
	}

}
