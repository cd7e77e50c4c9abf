package dev.evstream.spring.actuate;

import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Makes the readiness probe follow evstream's bus: the {@code readiness} health group
 * includes the {@code evstream} indicator besides Spring Boot's readiness state, so an
 * instance whose Redis bus is disconnected, and can neither write states nor hear from
 * the others, reports itself not ready until the bus is back.
 * <p>
 * Works whichever of this post-processor and Boot's probes post-processor runs first: a
 * missing group is created with Boot's defaults for probes, which Boot's then decorates
 * with its additional path.
 */
final class EvstreamReadinessGroups implements HealthEndpointGroupsPostProcessor {

	static final String READINESS = "readiness";

	static final String READINESS_STATE = "readinessState";

	static final String EVSTREAM = "evstream";

	private final boolean enabled;

	/**
	 * Creates the post-processor.
	 * @param enabled whether to add evstream to the readiness group; not when the
	 * application configures the group itself
	 */
	EvstreamReadinessGroups(boolean enabled) {
		this.enabled = enabled;
	}

	@Override
	public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
		return this.enabled ? new Groups(groups) : groups;
	}

	private static final class Groups implements HealthEndpointGroups {

		private final HealthEndpointGroups delegate;

		private final HealthEndpointGroup readiness;

		Groups(HealthEndpointGroups delegate) {
			this.delegate = delegate;
			HealthEndpointGroup existing = delegate.get(READINESS);
			this.readiness = (existing != null) ? new WithEvstream(existing) : new Readiness();
		}

		@Override
		public HealthEndpointGroup getPrimary() {
			return this.delegate.getPrimary();
		}

		@Override
		public Set<String> getNames() {
			Set<String> names = new LinkedHashSet<>(this.delegate.getNames());
			names.add(READINESS);
			return names;
		}

		@Override
		public @Nullable HealthEndpointGroup get(String name) {
			return READINESS.equals(name) ? this.readiness : this.delegate.get(name);
		}

	}

	/**
	 * A readiness group as another post-processor made it, with evstream as a member.
	 */
	private static final class WithEvstream implements HealthEndpointGroup {

		private final HealthEndpointGroup group;

		WithEvstream(HealthEndpointGroup group) {
			this.group = group;
		}

		@Override
		public boolean isMember(String name) {
			return EVSTREAM.equals(name) || this.group.isMember(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.group.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.group.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.group.getStatusAggregator();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.group.getHttpCodeStatusMapper();
		}

		@Override
		public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
			return this.group.getAdditionalPath();
		}

	}

	/**
	 * The readiness group before Boot's probes post-processor made it: its members, and
	 * Boot's defaults for probes.
	 */
	private static final class Readiness implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return READINESS_STATE.equals(name) || EVSTREAM.equals(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return false;
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return false;
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
		public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
			return null;
		}

	}

}
