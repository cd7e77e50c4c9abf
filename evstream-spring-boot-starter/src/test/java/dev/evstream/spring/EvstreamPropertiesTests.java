package dev.evstream.spring;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvConnectionTickets;
import dev.evstream.core.collection.EvCollectionLimits;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.memory.InMemoryChannelHistory;
import dev.evstream.core.presence.EvPresence;
import dev.evstream.redis.RedisBackend;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The properties' defaults are evstream's, and the configuration metadata shows them.
 */
class EvstreamPropertiesTests {

	/**
	 * Keys without a default: empty lists, and settings that are off until set.
	 */
	private static final Set<String> WITHOUT_DEFAULT = Set.of("evstream.cors.allowed-origins",
			"evstream.cors.allowed-origin-patterns", "evstream.redis.max-reconnect-delay",
			"evstream.presence.broadcast", "evstream.auth.require-tickets");

	@Test
	void defaultsShouldBeThoseOfTheCore() {
		EvstreamProperties properties = new EvstreamProperties();
		assertThat(properties.getHeartbeat()).isEqualTo(EvStreamManager.DEFAULT_HEARTBEAT);
		assertThat(properties.getRetry()).isEqualTo(EvStreamManager.DEFAULT_RETRY);
		assertThat(properties.getMaxConnections()).isEqualTo(EvStreamManager.DEFAULT_MAX_CONNECTIONS);
		assertThat(properties.getMaxListeners()).isEqualTo(EvStreamManager.DEFAULT_MAX_LISTENERS);
		assertThat(properties.getMaxChannelsPerConnection())
			.isEqualTo(EvStreamManager.DEFAULT_MAX_CHANNELS_PER_CONNECTION);
		assertThat(properties.getMaxChannels()).isEqualTo(EvStreamManager.DEFAULT_MAX_CHANNELS);
		assertThat(properties.getConnection().getBufferSize()).isEqualTo(EvStreamManager.DEFAULT_BUFFER_SIZE);
		assertThat(properties.getConnection().getClaimTimeout()).isEqualTo(EvStreamManager.DEFAULT_CLAIM_TIMEOUT);
		assertThat(properties.getHistory().getSize()).isEqualTo(ChannelHistory.DEFAULT_SIZE);
		assertThat(properties.getHistory().getTtl()).isEqualTo(InMemoryChannelHistory.DEFAULT_TIME_TO_LIVE)
			.isEqualTo(RedisBackend.DEFAULT_HISTORY_TIME_TO_LIVE);
		assertThat(properties.getHistory().getMaxSize().toBytes()).isEqualTo(InMemoryChannelHistory.DEFAULT_MAX_BYTES);
		assertThat(properties.getRedis().getKeyPrefix()).isEqualTo(RedisBackend.DEFAULT_KEY_PREFIX);
		assertThat(properties.getRedis().getTimeout()).isEqualTo(RedisBackend.DEFAULT_TIMEOUT);
		assertThat(properties.getRedis().getProbeInterval()).isEqualTo(RedisBackend.DEFAULT_PROBE_INTERVAL);
		assertThat(properties.getRedis().getMaxReconnectDelay()).isNull();
		assertThat(properties.getCollections().getMaxItemsPerGroup())
			.isEqualTo(EvCollectionLimits.DEFAULT.maxItemsPerGroup());
		assertThat(properties.getCollections().getMaxItemBytes().toBytes())
			.isEqualTo(EvCollectionLimits.DEFAULT.maxItemBytes());
		assertThat(properties.getPresence().isEnabled()).isTrue();
		assertThat(properties.getPresence().getProbeInterval()).isEqualTo(EvPresence.DEFAULT_PROBE_INTERVAL);
		assertThat(properties.getPresence().getBroadcast()).isEmpty();
		assertThat(properties.getTransport()).isEqualTo(EvstreamProperties.Transport.WEBFLUX);
		assertThat(properties.getAuth().getTicketTtl()).isEqualTo(EvConnectionTickets.DEFAULT_TIME_TO_LIVE);
		assertThat(properties.getAuth().getRequireTickets()).isNull();
	}

	@Test
	void metadataShouldShowEveryDefault() throws IOException {
		Map<String, JsonNode> properties = metadata();
		assertThat(properties).containsKeys("evstream.path", "evstream.heartbeat", "evstream.history.max-size");
		List<String> withoutDefault = new ArrayList<>();
		properties.forEach((name, property) -> {
			if (!property.has("defaultValue") && !WITHOUT_DEFAULT.contains(name)) {
				withoutDefault.add(name);
			}
		});
		assertThat(withoutDefault).isEmpty();
		assertThat(properties.get("evstream.redis.max-reconnect-delay").has("defaultValue")).isFalse();
	}

	@Test
	void metadataShouldShowDefaultsOfTheCoreAsLiterals() throws IOException {
		Map<String, JsonNode> properties = metadata();
		Map<String, String> expected = new LinkedHashMap<>();
		expected.put("evstream.heartbeat", "15s");
		expected.put("evstream.retry", "3s");
		expected.put("evstream.max-connections", "5000");
		expected.put("evstream.max-listeners", "5000");
		expected.put("evstream.max-channels-per-connection", "32");
		expected.put("evstream.max-channels", "100000");
		expected.put("evstream.connection.buffer-size", "1024");
		expected.put("evstream.connection.claim-timeout", "5s");
		expected.put("evstream.history.ttl", "1d");
		expected.put("evstream.history.max-size", "64MB");
		expected.put("evstream.collections.max-items-per-group", "10000");
		expected.put("evstream.collections.max-item-bytes", "64KB");
		expected.put("evstream.presence.probe-interval", "1s");
		expected.put("evstream.presence.enabled", "true");
		expected.forEach((name, value) -> assertThat(properties.get(name).get("defaultValue").asString()).as(name)
			.isEqualTo(value));
		assertThat(properties.get("evstream.cors.allowed-headers").get("defaultValue").values())
			.extracting(JsonNode::asString)
			.containsExactly("Last-Event-ID", "Authorization", "Content-Type", "Idempotency-Key");
	}

	private static Map<String, JsonNode> metadata() throws IOException {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		for (URL url : Collections.list(EvstreamPropertiesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				JsonNode metadata = JsonMapper.shared().readTree(in);
				for (JsonNode property : metadata.path("properties").values()) {
					String name = property.path("name").asString();
					if (name.startsWith("evstream.")) {
						properties.put(name, property);
					}
				}
			}
		}
		return properties;
	}

}
