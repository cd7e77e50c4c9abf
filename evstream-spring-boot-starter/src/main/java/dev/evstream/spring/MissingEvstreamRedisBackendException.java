package dev.evstream.spring;

import java.util.List;

import org.springframework.util.Assert;

/**
 * Thrown at start-up when {@code evstream.redis.enabled=true} but no Redis backend can be
 * configured and the application defines no backend of its own. evstream fails rather
 * than fall back to memory, which would let replicas drift apart unnoticed.
 *
 * @since 0.1.0
 */
public class MissingEvstreamRedisBackendException extends RuntimeException {

	private final List<String> missing;

	/**
	 * Creates an exception.
	 * @param missing what the Redis backend lacks, one sentence fragment each, such as
	 * "no ReactiveRedisConnectionFactory bean"
	 */
	public MissingEvstreamRedisBackendException(List<String> missing) {
		super("evstream.redis.enabled=true, but no Redis backend could be configured: " + String.join("; ", missing));
		Assert.notNull(missing, "'missing' must not be null");
		this.missing = List.copyOf(missing);
	}

	/**
	 * Returns what the Redis backend lacks.
	 * @return one sentence fragment per missing part
	 */
	public List<String> getMissing() {
		return this.missing;
	}

}
