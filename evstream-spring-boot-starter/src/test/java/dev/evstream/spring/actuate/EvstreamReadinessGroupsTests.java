package dev.evstream.spring.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readiness group gains the evstream indicator, whether Boot's probes made it first
 * or not, and is left alone when the application composes it.
 */
class EvstreamReadinessGroupsTests {

	private final HealthEndpointGroup primary = new Group("primary", null);

	@Test
	void existingReadinessGroupShouldIncludeEvstreamAndKeepItsMembersAndPath() {
		AdditionalHealthEndpointPath path = AdditionalHealthEndpointPath.from("server:/readyz");
		HealthEndpointGroups groups = HealthEndpointGroups.of(this.primary,
				Map.of("readiness", new Group("readinessState", path)));
		HealthEndpointGroup readiness = new EvstreamReadinessGroups(true).postProcessHealthEndpointGroups(groups)
			.get("readiness");
		assertThat(readiness.isMember("evstream")).isTrue();
		assertThat(readiness.isMember("readinessState")).isTrue();
		assertThat(readiness.isMember("db")).isFalse();
		assertThat(readiness.getAdditionalPath()).isEqualTo(path);
	}

	@Test
	void missingReadinessGroupShouldBeMadeWithTheReadinessStateAndEvstream() {
		HealthEndpointGroups groups = new EvstreamReadinessGroups(true)
			.postProcessHealthEndpointGroups(HealthEndpointGroups.of(this.primary, Map.of()));
		assertThat(groups.getNames()).contains("readiness");
		HealthEndpointGroup readiness = groups.get("readiness");
		assertThat(readiness.isMember("evstream")).isTrue();
		assertThat(readiness.isMember("readinessState")).isTrue();
		assertThat(groups.getPrimary()).isSameAs(this.primary);
	}

	@Test
	void readinessGroupOfTheApplicationShouldBeLeftAlone() {
		HealthEndpointGroups groups = HealthEndpointGroups.of(this.primary,
				Map.of("readiness", new Group("readinessState", null)));
		assertThat(new EvstreamReadinessGroups(false).postProcessHealthEndpointGroups(groups)).isSameAs(groups);
	}

	private record Group(String member, AdditionalHealthEndpointPath path) implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return this.member.equals(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return true;
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return true;
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return StatusAggregator.getDefault();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return HttpCodeStatusMapper.getDefault();
		}

		@Override
		public AdditionalHealthEndpointPath getAdditionalPath() {
			return this.path;
		}

	}

}
