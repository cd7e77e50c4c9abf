package dev.evstream.redis;

import java.time.Duration;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.bus.EventBus;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.LogStore;
import dev.evstream.core.store.OperationStore;
import dev.evstream.core.store.PresenceStore;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.TicketStore;
import dev.evstream.core.contract.BackendContract;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * The Redis backend meets the contract of every backend, against a real Redis.
 */
class RedisBackendIntegrationTests extends BackendContract {

	private static LettuceConnectionFactory connections;

	// another replica's, so that its calls do not queue behind this one's on one
	// connection
	private static LettuceConnectionFactory replicaConnections;

	private RedisKeys keys;

	@BeforeAll
	static void connect() {
		connections = RedisConnections.connect(RedisServer.shared());
		replicaConnections = RedisConnections.connect(RedisServer.shared());
	}

	@AfterAll
	static void disconnect() {
		connections.destroy();
		replicaConnections.destroy();
	}

	@Override
	protected Backend createBackend() {
		this.keys = RedisConnections.isolatedKeys();
		ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(connections);
		RedisBackend backend = RedisBackend.builder(new ReactiveStringRedisTemplate(connections), () -> container)
			.keyPrefix(this.keys.prefix())
			.probeInterval(Duration.ofMillis(500))
			.historySize(HISTORY_SIZE)
			.historyTimeToLive(Duration.ofHours(1))
			.build();
		backend.start().block(TIMEOUT);
		return new ContainerClosingBackend(backend, container);
	}

	@Override
	protected TicketStore replicaTickets() {
		return new RedisTicketStore(new ReactiveStringRedisTemplate(replicaConnections), this.keys,
				RedisBackend.DEFAULT_TIMEOUT);
	}

	/**
	 * The backend does not own its listener container: the test closes both.
	 */
	private record ContainerClosingBackend(RedisBackend backend,
			ReactiveRedisMessageListenerContainer container) implements Backend {

		@Override
		public EventBus bus() {
			return this.backend.bus();
		}

		@Override
		public StateStore stateStore() {
			return this.backend.stateStore();
		}

		@Override
		public CollectionStore collectionStore() {
			return this.backend.collectionStore();
		}

		@Override
		public LogStore logStore() {
			return this.backend.logStore();
		}

		@Override
		public OperationStore operationStore() {
			return this.backend.operationStore();
		}

		@Override
		public PresenceStore presenceStore() {
			return this.backend.presenceStore();
		}

		@Override
		public TicketStore ticketStore() {
			return this.backend.ticketStore();
		}

		@Override
		public ChannelHistory channelHistory() {
			return this.backend.channelHistory();
		}

		@Override
		public void close() {
			this.backend.close();
			this.container.destroy();
		}

	}

}
