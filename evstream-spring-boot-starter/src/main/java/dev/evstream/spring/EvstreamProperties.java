package dev.evstream.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for evstream.
 * <p>
 * Defaults are literals, so that the configuration metadata shows them; they are those of
 * evstream's core, which validates every value it is given. A value the core refuses
 * fails the start-up with an {@link InvalidEvstreamPropertyException} naming the
 * property.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("evstream")
public class EvstreamProperties {

	/**
	 * Path of the SSE endpoint.
	 */
	private String path = "/evstream";

	/**
	 * Interval of heartbeat events sent to connections that have nothing else to write.
	 */
	private Duration heartbeat = Duration.ofSeconds(15);

	/**
	 * Reconnection delay sent to clients in the 'retry' field.
	 */
	private Duration retry = Duration.ofSeconds(3);

	/**
	 * Maximum number of open connections on this instance.
	 */
	private int maxConnections = 5000;

	/**
	 * Maximum number of listeners of one channel on this instance.
	 */
	private int maxListeners = 5000;

	/**
	 * Maximum number of channels one connection may listen to (at most 48).
	 */
	private int maxChannelsPerConnection = 32;

	/**
	 * Maximum number of channels in use (listened to, or carrying a state) on this
	 * instance; a connection that would add one more is refused with 503.
	 */
	private int maxChannels = 100000;

	/**
	 * Prefix of connection ids, to tell instances apart.
	 */
	private String idPrefix = "";

	/**
	 * How the stream (GET at the path) is served: 'webflux', through WebFlux and every
	 * WebFilter of the application, or 'route', from a Reactor Netty route in front of
	 * WebFlux, which keeps much less memory per open stream but which no WebFilter sees
	 * (with Spring Security, streams then need a connection ticket).
	 */
	private Transport transport = Transport.WEBFLUX;

	private final Auth auth = new Auth();

	private final History history = new History();

	private final Connection connection = new Connection();

	private final Redis redis = new Redis();

	private final Metrics metrics = new Metrics();

	private final Actuator actuator = new Actuator();

	private final Cors cors = new Cors();

	private final Server server = new Server();

	private final Json json = new Json();

	private final Collections collections = new Collections();

	private final Presence presence = new Presence();

	public String getPath() {
		return this.path;
	}

	public Transport getTransport() {
		return this.transport;
	}

	public void setTransport(Transport transport) {
		this.transport = transport;
	}

	public void setPath(String path) {
		Assert.isTrue(path.startsWith("/"), () -> "must start with '/', but was '" + path + "'");
		this.path = path;
	}

	public Duration getHeartbeat() {
		return this.heartbeat;
	}

	public void setHeartbeat(Duration heartbeat) {
		this.heartbeat = heartbeat;
	}

	public Duration getRetry() {
		return this.retry;
	}

	public void setRetry(Duration retry) {
		this.retry = retry;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public int getMaxListeners() {
		return this.maxListeners;
	}

	public void setMaxListeners(int maxListeners) {
		this.maxListeners = maxListeners;
	}

	public int getMaxChannelsPerConnection() {
		return this.maxChannelsPerConnection;
	}

	public void setMaxChannelsPerConnection(int maxChannelsPerConnection) {
		this.maxChannelsPerConnection = maxChannelsPerConnection;
	}

	public int getMaxChannels() {
		return this.maxChannels;
	}

	public void setMaxChannels(int maxChannels) {
		this.maxChannels = maxChannels;
	}

	public String getIdPrefix() {
		return this.idPrefix;
	}

	public void setIdPrefix(String idPrefix) {
		this.idPrefix = idPrefix;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public History getHistory() {
		return this.history;
	}

	public Connection getConnection() {
		return this.connection;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Actuator getActuator() {
		return this.actuator;
	}

	public Cors getCors() {
		return this.cors;
	}

	public Server getServer() {
		return this.server;
	}

	public Json getJson() {
		return this.json;
	}

	public Collections getCollections() {
		return this.collections;
	}

	public Presence getPresence() {
		return this.presence;
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	/**
	 * Authentication of the SSE endpoint.
	 */
	public static class Auth {

		/**
		 * Query parameter that carries the token, when an Authenticator bean is defined.
		 * An 'Authorization: Bearer' header is accepted too.
		 */
		private String queryParam = "token";

		/**
		 * How long a connection ticket (POST {path}/tickets) may wait to be used.
		 */
		private Duration ticketTtl = Duration.ofSeconds(30);

		/**
		 * Whether streams served by the route (evstream.transport=route) must come with a
		 * connection ticket. Unset, they must when Spring Security guards the
		 * application, since its filters do not see them.
		 */
		private @Nullable Boolean requireTickets;

		public String getQueryParam() {
			return this.queryParam;
		}

		public void setQueryParam(String queryParam) {
			Assert.hasText(queryParam, "must not be empty");
			Assert.isTrue(!queryParam.equals("ticket"), "must not be 'ticket', the parameter of connection tickets");
			this.queryParam = queryParam;
		}

		public @Nullable Boolean getRequireTickets() {
			return this.requireTickets;
		}

		public void setRequireTickets(@Nullable Boolean requireTickets) {
			this.requireTickets = requireTickets;
		}

		public Duration getTicketTtl() {
			return this.ticketTtl;
		}

		public void setTicketTtl(Duration ticketTtl) {
			Assert.isTrue(!ticketTtl.isNegative() && !ticketTtl.isZero(),
					() -> "must be positive, but was " + ticketTtl);
			this.ticketTtl = ticketTtl;
		}

	}

	/**
	 * History kept per channel so that clients resume without loss.
	 */
	public static class History {

		/**
		 * Number of messages kept per channel for clients that reconnect; 0 keeps none.
		 */
		private int size = 1000;

		/**
		 * Time a channel's history and position are kept after its last message, read or
		 * new listener; clients that resume later are told to reset.
		 */
		private Duration ttl = Duration.ofDays(1);

		/**
		 * Budget of the in-memory history of all channels together; beyond it, the least
		 * recently used channels' histories are forgotten first. With Redis, bound its
		 * memory with Redis's own 'maxmemory'.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(64);

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

	}

	/**
	 * Per-connection settings.
	 */
	public static class Connection {

		/**
		 * Number of events that may wait to be written to one connection before it is
		 * closed as too slow; its client then resumes from history.
		 */
		private int bufferSize = 1024;

		/**
		 * Time a closed connection has to write its last events before it is aborted.
		 */
		private Duration closeTimeout = Duration.ofSeconds(10);

		/**
		 * Time within which an opened stream must start being written; a stream whose
		 * request was abandoned in between is closed and frees its slot.
		 */
		private Duration claimTimeout = Duration.ofSeconds(5);

		public int getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(int bufferSize) {
			this.bufferSize = bufferSize;
		}

		public Duration getCloseTimeout() {
			return this.closeTimeout;
		}

		public void setCloseTimeout(Duration closeTimeout) {
			this.closeTimeout = closeTimeout;
		}

		public Duration getClaimTimeout() {
			return this.claimTimeout;
		}

		public void setClaimTimeout(Duration claimTimeout) {
			this.claimTimeout = claimTimeout;
		}

	}

	/**
	 * Sharing states, channels and history between replicas through Redis.
	 */
	public static class Redis {

		/**
		 * Whether to share evstream's states, channels and history through Redis, with
		 * Spring Boot's reactive Redis connection ('spring.data.redis.*'). Off,
		 * everything stays in this instance's memory.
		 */
		private boolean enabled;

		/**
		 * Prefix of every Redis key and channel evstream uses.
		 */
		private String keyPrefix = "evstream";

		/**
		 * Longest wait for Redis before a write fails.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		/**
		 * Interval of the probes each instance publishes to check that its subscription
		 * receives; three missed intervals mark the bus disconnected.
		 */
		private Duration probeInterval = Duration.ofSeconds(1);

		/**
		 * Longest delay between two attempts of the Redis client to reconnect, so that
		 * replicas catch up soon after Redis returns; '1s' suits most deployments. Unset
		 * by default: setting it changes the reconnect delay of every Lettuce connection
		 * of the application, not only evstream's, which otherwise keeps Lettuce's own
		 * (exponential, up to 30 seconds).
		 */
		private @Nullable Duration maxReconnectDelay;

		/**
		 * Longest wait for Redis's answer to Spring Boot's Redis health check before it
		 * reports DOWN, so that '/actuator/health' answers while Redis is dead.
		 */
		private Duration healthTimeout = Duration.ofSeconds(1);

		/**
		 * Whether the readiness probe ('/actuator/health/readiness') includes evstream's
		 * health, so that an instance whose Redis bus is disconnected reports itself not
		 * ready. Ignored when the readiness group is configured explicitly.
		 */
		private boolean readiness = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getProbeInterval() {
			return this.probeInterval;
		}

		public void setProbeInterval(Duration probeInterval) {
			this.probeInterval = probeInterval;
		}

		public @Nullable Duration getMaxReconnectDelay() {
			return this.maxReconnectDelay;
		}

		public void setMaxReconnectDelay(@Nullable Duration maxReconnectDelay) {
			Assert.isTrue(maxReconnectDelay == null || isPositive(maxReconnectDelay),
					() -> "must be positive, but was " + maxReconnectDelay);
			this.maxReconnectDelay = maxReconnectDelay;
		}

		public Duration getHealthTimeout() {
			return this.healthTimeout;
		}

		public void setHealthTimeout(Duration healthTimeout) {
			Assert.isTrue(isPositive(healthTimeout), () -> "must be positive, but was " + healthTimeout);
			this.healthTimeout = healthTimeout;
		}

		public boolean isReadiness() {
			return this.readiness;
		}

		public void setReadiness(boolean readiness) {
			this.readiness = readiness;
		}

	}

	/**
	 * Micrometer meters.
	 */
	public static class Metrics {

		/**
		 * Whether to record evstream's meters when Micrometer is present.
		 */
		private boolean enabled = true;

		/**
		 * Whether to tag message meters with the channel name. Channels are chosen by
		 * clients and unbounded: enable only with a small, fixed set of channels.
		 */
		private boolean channelTags;

		/**
		 * Whether Spring's {@code http.server.requests} observation also covers the
		 * stream requests ({@code GET evstream.path}). Off by default: a stream lasts as
		 * long as its client stays, so its duration says nothing about the server, and
		 * the observation context would be kept for each open stream. evstream's own
		 * connection meters count streams and refusals.
		 */
		private boolean observeStreams;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isObserveStreams() {
			return this.observeStreams;
		}

		public void setObserveStreams(boolean observeStreams) {
			this.observeStreams = observeStreams;
		}

		public boolean isChannelTags() {
			return this.channelTags;
		}

		public void setChannelTags(boolean channelTags) {
			this.channelTags = channelTags;
		}

	}

	/**
	 * The Actuator endpoint 'evstream'.
	 */
	public static class Actuator {

		/**
		 * Whether the endpoint shows the values of states, not only their versions.
		 */
		private boolean showValues;

		public boolean isShowValues() {
			return this.showValues;
		}

		public void setShowValues(boolean showValues) {
			this.showValues = showValues;
		}

	}

	/**
	 * Cross-origin access to the SSE endpoint, off until origins are listed.
	 */
	public static class Cors {

		/**
		 * Origins allowed to open streams, such as 'https://app.example.com'; empty
		 * leaves CORS off.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		/**
		 * Origin patterns allowed to open streams, such as 'https://*.example.com'.
		 */
		private List<String> allowedOriginPatterns = new ArrayList<>();

		/**
		 * Request headers allowed besides the simple ones: those of the stream and of the
		 * client's writes.
		 */
		private List<String> allowedHeaders = new ArrayList<>(
				List.of("Last-Event-ID", "Authorization", "Content-Type", "Idempotency-Key"));

		/**
		 * Whether browsers may send credentials (cookies) with the stream and write
		 * requests; requires explicit origins or patterns.
		 */
		private boolean allowCredentials;

		/**
		 * How long browsers may cache the answer to a preflight request.
		 */
		private Duration maxAge = Duration.ofMinutes(30);

		public List<String> getAllowedOrigins() {
			return this.allowedOrigins;
		}

		public void setAllowedOrigins(List<String> allowedOrigins) {
			this.allowedOrigins = allowedOrigins;
		}

		public List<String> getAllowedOriginPatterns() {
			return this.allowedOriginPatterns;
		}

		public void setAllowedOriginPatterns(List<String> allowedOriginPatterns) {
			this.allowedOriginPatterns = allowedOriginPatterns;
		}

		public List<String> getAllowedHeaders() {
			return this.allowedHeaders;
		}

		public void setAllowedHeaders(List<String> allowedHeaders) {
			this.allowedHeaders = allowedHeaders;
		}

		public boolean isAllowCredentials() {
			return this.allowCredentials;
		}

		public void setAllowCredentials(boolean allowCredentials) {
			this.allowCredentials = allowCredentials;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

	}

	/**
	 * Limits of the Reactor Netty server on connections that carry no stream: sockets
	 * that send nothing, or their request head too slowly, and connections waiting for
	 * their next request. Streams, once their response head is sent, are not subject to
	 * them.
	 */
	public static class Server {

		/**
		 * Whether to time out request heads, limit the connections that carry no stream,
		 * and close connections idle for 75 seconds between requests when
		 * 'server.netty.idle-timeout' is not set.
		 */
		private boolean enabled = true;

		/**
		 * Longest time for a whole request head (request line and headers) to arrive:
		 * counted from the accept on a new connection, from the first byte of the next
		 * request on a kept-alive one. The connection is closed when it runs out.
		 */
		private Duration requestTimeout = Duration.ofSeconds(10);

		/**
		 * Maximum number of accepted connections on this instance that carry no stream
		 * (waiting for or sending a request, or being answered); a connection accepted
		 * beyond it is closed at once.
		 */
		private int maxPendingConnections = 2000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			Assert.isTrue(isPositive(requestTimeout), () -> "must be positive, but was " + requestTimeout);
			this.requestTimeout = requestTimeout;
		}

		public int getMaxPendingConnections() {
			return this.maxPendingConnections;
		}

		public void setMaxPendingConnections(int maxPendingConnections) {
			Assert.isTrue(maxPendingConnections > 0, () -> "must be at least 1, but was " + maxPendingConnections);
			this.maxPendingConnections = maxPendingConnections;
		}

	}

	/**
	 * Strictness of the JSON the application reads.
	 */
	public static class Json {

		/**
		 * Whether the application's JsonMapper rejects a JSON object that repeats a key,
		 * rather than keep the last value. An explicit
		 * 'spring.jackson.read.strict-duplicate-detection' setting takes precedence.
		 */
		private boolean rejectDuplicateKeys = true;

		public boolean isRejectDuplicateKeys() {
			return this.rejectDuplicateKeys;
		}

		public void setRejectDuplicateKeys(boolean rejectDuplicateKeys) {
			this.rejectDuplicateKeys = rejectDuplicateKeys;
		}

	}

	/**
	 * Limits of keyed collections, which guard the store and every client's snapshot
	 * against a group that grows without bound.
	 */
	public static class Collections {

		/**
		 * Maximum number of items one group of a collection may hold; a write that would
		 * create one more is refused.
		 */
		private int maxItemsPerGroup = 10000;

		/**
		 * Maximum size of one item as JSON; a write that would make an item larger is
		 * refused.
		 */
		private DataSize maxItemBytes = DataSize.ofKilobytes(64);

		public int getMaxItemsPerGroup() {
			return this.maxItemsPerGroup;
		}

		public void setMaxItemsPerGroup(int maxItemsPerGroup) {
			this.maxItemsPerGroup = maxItemsPerGroup;
		}

		public DataSize getMaxItemBytes() {
			return this.maxItemBytes;
		}

		public void setMaxItemBytes(DataSize maxItemBytes) {
			this.maxItemBytes = maxItemBytes;
		}

	}

	/**
	 * Presence: who listens to which channel, across the instances.
	 */
	public static class Presence {

		/**
		 * Whether to keep the members of every channel and run join and leave triggers.
		 */
		private boolean enabled = true;

		/**
		 * Interval at which each instance marks itself alive and evicts the members of
		 * instances that stopped doing so; the members of a dead instance leave within
		 * about four intervals.
		 */
		private Duration probeInterval = Duration.ofSeconds(1);

		/**
		 * Channel patterns ('*' stands for any characters) whose members clients may
		 * follow on the channel 'presence/<channel>'.
		 */
		private List<String> broadcast = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getProbeInterval() {
			return this.probeInterval;
		}

		public void setProbeInterval(Duration probeInterval) {
			this.probeInterval = probeInterval;
		}

		public List<String> getBroadcast() {
			return this.broadcast;
		}

		public void setBroadcast(List<String> broadcast) {
			this.broadcast = broadcast;
		}

	}

	/**
	 * How the stream is served.
	 */
	public enum Transport {

		/**
		 * Through WebFlux, like every other request: the application's WebFilters (Spring
		 * Security, CORS, logging) see the stream.
		 */
		WEBFLUX,

		/**
		 * From a Reactor Netty route in front of WebFlux: an open stream keeps its
		 * connection and its queue only. No WebFilter sees the stream; evstream
		 * authenticates it (token or connection ticket) and applies its own CORS
		 * settings.
		 */
		ROUTE

	}

}
