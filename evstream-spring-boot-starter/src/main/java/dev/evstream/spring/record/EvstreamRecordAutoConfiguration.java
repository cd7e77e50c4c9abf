package dev.evstream.spring.record;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.record.EvRecords;
import dev.evstream.spring.EvstreamAutoConfiguration;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of record sets: the {@link EvRecords}, with which the application
 * registers each of its record sets as a bean, such as
 * {@code records.register("todos", model)}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = EvstreamAutoConfiguration.class)
@ConditionalOnBean(EvStreamManager.class)
public final class EvstreamRecordAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EvRecords evstreamRecords(EvStreamManager streams, JsonMapper jsonMapper) {
		return new EvRecords(streams, jsonMapper);
	}

}
