package dev.evstream.spring.json;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Makes the application's {@link JsonMapper} reject a JSON object that repeats a key
 * ({@code {"by":1,"by":100}}), which Jackson otherwise reads as its last value, so that
 * two parsers (a proxy that checks the first, the application that applies the last)
 * cannot read one body two ways. Every body evstream parses goes through this mapper, as
 * do the application's own {@code @RequestBody} arguments.
 * <p>
 * On unless {@code evstream.json.reject-duplicate-keys=false}. The customizer runs before
 * Spring Boot's own, so an explicit
 * {@code spring.jackson.read.strict-duplicate-detection} setting wins.
 *
 * @since 0.1.0
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass({ JsonMapper.class, JsonMapperBuilderCustomizer.class })
@ConditionalOnProperty(name = "evstream.json.reject-duplicate-keys", havingValue = "true", matchIfMissing = true)
public final class EvstreamJsonAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "evstreamRejectDuplicateKeysCustomizer")
	RejectDuplicateKeysCustomizer evstreamRejectDuplicateKeysCustomizer() {
		return new RejectDuplicateKeysCustomizer();
	}

	/**
	 * Turns on {@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}.
	 */
	static final class RejectDuplicateKeysCustomizer implements JsonMapperBuilderCustomizer, Ordered {

		/**
		 * Before Spring Boot's customizer (order 0), which applies
		 * {@code spring.jackson.read.*} and so has the last word.
		 */
		static final int ORDER = -100;

		@Override
		public void customize(JsonMapper.Builder builder) {
			builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
		}

		@Override
		public int getOrder() {
			return ORDER;
		}

	}

}
