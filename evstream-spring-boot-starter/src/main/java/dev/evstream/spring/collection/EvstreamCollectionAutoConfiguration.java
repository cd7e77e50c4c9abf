package dev.evstream.spring.collection;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.collection.EvCollectionLimits;
import dev.evstream.core.collection.EvCollections;
import dev.evstream.spring.EvstreamAutoConfiguration;
import dev.evstream.spring.EvstreamProperties;
import dev.evstream.spring.InvalidEvstreamPropertyException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;

/**
 * Auto-configuration of keyed collections: the {@link EvCollections}, limited by
 * {@code evstream.collections.*}, and the registration of {@link EvCollectionListener}
 * methods as their triggers.
 * <p>
 * The core validates the limits; a value it refuses fails the start-up with an
 * {@link InvalidEvstreamPropertyException} that names the property.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = EvstreamAutoConfiguration.class)
@ConditionalOnBean(EvStreamManager.class)
@EnableConfigurationProperties(EvstreamProperties.class)
public final class EvstreamCollectionAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EvCollections evstreamCollections(EvStreamManager streams, JsonMapper jsonMapper, EvstreamProperties properties) {
		return new EvCollections(streams, jsonMapper, limits(properties.getCollections()));
	}

	@Bean
	@ConditionalOnMissingBean
	EvCollectionListenerMethodProcessor evstreamCollectionListenerMethodProcessor(EvCollections collections) {
		return new EvCollectionListenerMethodProcessor(collections);
	}

	/**
	 * Checks each limit on its own, so that a refused value names its property.
	 */
	private static EvCollectionLimits limits(EvstreamProperties.Collections properties) {
		EvCollectionLimits defaults = EvCollectionLimits.DEFAULT;
		int maxItems = properties.getMaxItemsPerGroup();
		InvalidEvstreamPropertyException.apply("evstream.collections.max-items-per-group", maxItems,
				(value) -> new EvCollectionLimits(value, defaults.maxItemBytes()));
		DataSize maxItemSize = properties.getMaxItemBytes();
		InvalidEvstreamPropertyException.apply("evstream.collections.max-item-bytes", maxItemSize,
				(value) -> new EvCollectionLimits(defaults.maxItemsPerGroup(), bytes(value)));
		return new EvCollectionLimits(maxItems, bytes(maxItemSize));
	}

	private static int bytes(DataSize size) {
		long bytes = size.toBytes();
		if (bytes > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("must be at most " + Integer.MAX_VALUE + " bytes, but was " + bytes);
		}
		return (int) bytes;
	}

}
