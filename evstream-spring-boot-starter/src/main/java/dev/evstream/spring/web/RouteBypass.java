package dev.evstream.spring.web;

import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.WebFilter;

/**
 * What the application's WebFlux filters no longer see once the stream is served from a
 * Reactor Netty route, said at start-up rather than lost silently: every WebFilter bean
 * but evstream's own is named, and when Spring Security guards the application, streams
 * must come with a connection ticket, which a request through those filters obtains.
 */
final class RouteBypass {

	private static final Log logger = LogFactory.getLog(RouteBypass.class);

	private static final String SECURITY_CHAIN = "org.springframework.security.web.server.SecurityWebFilterChain";

	private final String path;

	private final boolean security;

	private final List<String> filters;

	private final @Nullable Boolean requireTickets;

	private RouteBypass(String path, boolean security, List<String> filters, @Nullable Boolean requireTickets) {
		this.path = path;
		this.security = security;
		this.filters = filters;
		this.requireTickets = requireTickets;
	}

	/**
	 * Finds what the route bypasses in an application.
	 * @param beanFactory the application's bean factory
	 * @param path the stream's path
	 * @param requireTickets whether streams need a ticket, or {@code null} to decide by
	 * the presence of Spring Security
	 */
	static RouteBypass of(ListableBeanFactory beanFactory, String path, @Nullable Boolean requireTickets) {
		ClassLoader classLoader = RouteBypass.class.getClassLoader();
		boolean security = ClassUtils.isPresent(SECURITY_CHAIN, classLoader) && beanFactory
			.getBeanNamesForType(ClassUtils.resolveClassName(SECURITY_CHAIN, classLoader), true, false).length > 0;
		List<String> filters = Arrays.stream(beanFactory.getBeanNamesForType(WebFilter.class, true, false))
			.filter((name) -> !name.startsWith("evstream"))
			.sorted()
			.toList();
		return new RouteBypass(path, security, filters, requireTickets);
	}

	/**
	 * Returns why streams need a ticket, or {@code null} when a token will do.
	 */
	@Nullable String ticketsRequiredBecause() {
		if (!ticketsRequired()) {
			return null;
		}
		String why = this.security ? "this application is guarded by Spring Security, which does not see streams"
				+ " served by evstream's route" : "evstream.auth.require-tickets is true";
		return why + ": ask for one with POST " + this.path + "/tickets, then open the stream with ?"
				+ RequestPrincipals.TICKET_PARAMETER + "=<ticket>";
	}

	private boolean ticketsRequired() {
		return (this.requireTickets != null) ? this.requireTickets : this.security;
	}

	void log() {
		logger.info("evstream serves GET " + this.path + " from a Reactor Netty route (evstream.transport=route)"
				+ (ticketsRequired() ? "; streams need a connection ticket from POST " + this.path
						+ "/tickets, which the application must guard as it guarded the stream" : ""));
		if (this.security && !ticketsRequired()) {
			logger.warn("Spring Security does not see the streams at GET " + this.path
					+ " (evstream.transport=route), and evstream.auth.require-tickets=false lets them open without"
					+ " a connection ticket");
		}
		if (!this.filters.isEmpty()) {
			logger.warn("These WebFilters do not see the streams at GET " + this.path
					+ ", which evstream.transport=route serves in front of WebFlux: " + this.filters);
		}
	}

}
