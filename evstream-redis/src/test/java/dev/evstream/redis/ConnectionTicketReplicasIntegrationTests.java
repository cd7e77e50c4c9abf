package dev.evstream.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.auth.EvConnectionTicket;
import dev.evstream.core.auth.EvConnectionTickets;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.test.redis.RedisServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection tickets on three replicas that share one Redis: a ticket issued by one is
 * redeemed by any other, once, however many replicas try at the same time.
 */
class ConnectionTicketReplicasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final List<RedisReplica> replicas = new ArrayList<>();

	private final List<EvConnectionTickets> tickets = new ArrayList<>();

	@BeforeEach
	void startReplicas() {
		String prefix = RedisConnections.isolatedKeys().prefix();
		for (int i = 0; i < 3; i++) {
			RedisReplica replica = RedisReplica.start(RedisServer.shared(), prefix, 0);
			this.replicas.add(replica);
			this.tickets.add(new EvConnectionTickets(replica.backend().ticketStore()));
		}
	}

	@AfterEach
	void stopReplicas() {
		this.replicas.forEach(RedisReplica::close);
	}

	@Test
	void ticketIssuedOnOneReplicaShouldBeRedeemedOnAnotherOnce() {
		EvPrincipal alice = new EvPrincipal("alice",
				Map.of("authorities", List.of("ROLE_USER", "SCOPE_stream"), "tenant", "acme"));
		EvConnectionTicket ticket = this.tickets.get(0).issue(alice).block(TIMEOUT);
		assertThat(this.tickets.get(1).redeem(ticket.value()).block(TIMEOUT)).isEqualTo(alice);
		for (EvConnectionTickets replica : this.tickets) {
			assertThat(replica.redeem(ticket.value()).block(TIMEOUT)).isNull();
		}
	}

	@Test
	void concurrentRedeemsOnEveryReplicaShouldGiveThePrincipalToExactlyOne() throws Exception {
		int redeemers = 16;
		ExecutorService pool = Executors.newFixedThreadPool(redeemers);
		try {
			for (int round = 0; round < 10; round++) {
				EvPrincipal principal = EvPrincipal.of("user-" + round);
				EvConnectionTicket ticket = this.tickets.get(round % 3).issue(principal).block(TIMEOUT);
				CountDownLatch start = new CountDownLatch(1);
				List<Future<@Nullable EvPrincipal>> redeems = new ArrayList<>();
				for (int i = 0; i < redeemers; i++) {
					EvConnectionTickets replica = this.tickets.get(i % 3);
					redeems.add(pool.submit(() -> {
						start.await();
						return replica.redeem(ticket.value()).block(TIMEOUT);
					}));
				}
				start.countDown();
				List<@Nullable EvPrincipal> principals = new ArrayList<>();
				for (Future<@Nullable EvPrincipal> redeem : redeems) {
					principals.add(redeem.get(30, TimeUnit.SECONDS));
				}
				assertThat(principals).filteredOn(Objects::nonNull).containsExactly(principal);
			}
		}
		finally {
			pool.shutdown();
		}
	}

}
