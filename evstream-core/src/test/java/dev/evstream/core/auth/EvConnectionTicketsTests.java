package dev.evstream.core.auth;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.store.TicketStore;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

class EvConnectionTicketsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final TicketStore store = new InMemoryBackend().ticketStore();

	private final EvConnectionTickets tickets = new EvConnectionTickets(this.store);

	@Test
	void ticketShouldBe128RandomBitsOfBase64UrlWithoutPadding() {
		Set<String> issued = new LinkedHashSet<>();
		for (int i = 0; i < 1000; i++) {
			EvConnectionTicket ticket = this.tickets.issue(EvPrincipal.of("alice")).block(TIMEOUT);
			assertThat(ticket.value()).hasSize(22).matches("[A-Za-z0-9_-]{21}[AQgw]");
			assertThat(ticket.expiresIn()).isEqualTo(EvConnectionTickets.DEFAULT_TIME_TO_LIVE);
			issued.add(ticket.value());
		}
		assertThat(issued).hasSize(1000);
	}

	@Test
	void redeemedTicketShouldGiveThePrincipalWithItsAttributes() {
		EvPrincipal alice = new EvPrincipal("Zoë \"quoted\"\n✓",
				Map.of("authorities", List.of("ROLE_USER", "SCOPE_read"), "tenant", "acme", "admin", false, "level", 3,
						"since", 1_700_000_000_000L, "score", 0.5, "profile",
						Map.of("team", "core", "tags", List.of(1, 2)), "big",
						new BigInteger("123456789012345678901234567890")));
		EvConnectionTicket ticket = this.tickets.issue(alice).block(TIMEOUT);
		assertThat(this.tickets.redeem(ticket.value()).block(TIMEOUT)).isEqualTo(alice);
	}

	@Test
	void attributesShouldComeBackAsJsonValues() {
		EvPrincipal principal = new EvPrincipal("bob", Map.of("roles", Set.of("admin"), "ids", new int[] { 1, 2 },
				"count", (short) 7, "kind", Thread.State.NEW));
		EvConnectionTicket ticket = this.tickets.issue(principal).block(TIMEOUT);
		EvPrincipal redeemed = this.tickets.redeem(ticket.value()).block(TIMEOUT);
		assertThat(redeemed.name()).isEqualTo("bob");
		assertThat(redeemed.attributes()).containsEntry("roles", List.of("admin"))
			.containsEntry("ids", List.of(1, 2))
			.containsEntry("count", 7)
			.containsEntry("kind", "NEW");
	}

	@Test
	void principalWithoutAttributesShouldRoundTrip() {
		EvConnectionTicket ticket = this.tickets.issue(EvPrincipal.anonymous()).block(TIMEOUT);
		assertThat(this.tickets.redeem(ticket.value()).block(TIMEOUT)).isEqualTo(EvPrincipal.anonymous());
	}

	@Test
	void principalShouldBeKeptAsNameAndAttributes() {
		EvConnectionTicket ticket = this.tickets.issue(new EvPrincipal("alice", Map.of("tenant", "acme")))
			.block(TIMEOUT);
		assertThat(this.store.take(ticket.value()).block(TIMEOUT))
			.isEqualTo("{\"name\":\"alice\",\"attributes\":{\"tenant\":\"acme\"}}");
	}

	@Test
	void ticketShouldBeRedeemedOnce() {
		EvConnectionTicket ticket = this.tickets.issue(EvPrincipal.of("alice")).block(TIMEOUT);
		assertThat(this.tickets.redeem(ticket.value()).block(TIMEOUT)).isEqualTo(EvPrincipal.of("alice"));
		assertThat(this.tickets.redeem(ticket.value()).block(TIMEOUT)).isNull();
	}

	@Test
	void ticketsShouldBeRedeemedByTheInstanceThatSharesTheStore() {
		EvConnectionTicket ticket = this.tickets.issue(EvPrincipal.of("alice")).block(TIMEOUT);
		EvConnectionTickets otherInstance = new EvConnectionTickets(this.store);
		assertThat(otherInstance.redeem(ticket.value()).block(TIMEOUT)).isEqualTo(EvPrincipal.of("alice"));
		assertThat(this.tickets.redeem(ticket.value()).block(TIMEOUT)).isNull();
	}

	@Test
	void expiredTicketShouldNotBeRedeemed() {
		EvConnectionTickets shortLived = new EvConnectionTickets(this.store, Duration.ofMillis(100));
		EvConnectionTicket expired = shortLived.issue(EvPrincipal.of("alice")).block(TIMEOUT);
		assertThat(expired.expiresIn()).isEqualTo(Duration.ofMillis(100));
		// a probe issued after it, for as long: once the probe's store entry is gone,
		// the ticket's is too, and looking at the ticket itself would redeem it
		EvConnectionTicket probe = shortLived.issue(EvPrincipal.of("probe")).block(TIMEOUT);
		await().atMost(TIMEOUT)
			.until(() -> Boolean.TRUE.equals(this.store.put(probe.value(), "again", Duration.ofMinutes(1)).block()));
		assertThat(shortLived.redeem(expired.value()).block(TIMEOUT)).isNull();
	}

	@Test
	void malformedTicketsShouldBeEmptyWithoutAskingTheStore() {
		AtomicInteger takes = new AtomicInteger();
		EvConnectionTickets counted = new EvConnectionTickets(new TicketStore() {

			@Override
			public Mono<Boolean> put(String ticket, String value, Duration timeToLive) {
				return Mono.just(true);
			}

			@Override
			public Mono<String> take(String ticket) {
				takes.incrementAndGet();
				return Mono.empty();
			}

		});
		String valid = "AAAAAAAAAAAAAAAAAAAAAA";
		List<String> malformed = List.of("", "short", valid + "A", valid.substring(1), "AAAAAAAAAAAAAAAAAAAAA+",
				"AAAAAAAAAAAAAAAAAAAA/A", "AAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAA A", "AAAAAAAAAAAAAAAAAAAAAé",
				"AAAAAAAAAAAAAAAAAAAAAB", "AAAAAAAAAAAAAAAAAAAAA_", "AAAAAAAAAAAAAAAAAAAAA\n");
		for (String ticket : malformed) {
			assertThat(counted.redeem(ticket).block(TIMEOUT)).as(ticket).isNull();
		}
		assertThat(takes).hasValue(0);
		assertThat(counted.redeem(valid).block(TIMEOUT)).isNull();
		assertThat(takes).hasValue(1);
	}

	@Test
	void concurrentRedeemsOfOneTicketShouldGiveThePrincipalToExactlyOne() throws Exception {
		int redeemers = 16;
		for (int round = 0; round < 20; round++) {
			EvPrincipal principal = EvPrincipal.of("user-" + round);
			EvConnectionTicket ticket = this.tickets.issue(principal).block(TIMEOUT);
			ExecutorService pool = Executors.newFixedThreadPool(redeemers);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<@Nullable EvPrincipal>> redeems = new ArrayList<>();
			for (int i = 0; i < redeemers; i++) {
				redeems.add(pool.submit(() -> {
					start.await();
					return this.tickets.redeem(ticket.value()).block(TIMEOUT);
				}));
			}
			start.countDown();
			List<@Nullable EvPrincipal> principals = new ArrayList<>();
			for (Future<@Nullable EvPrincipal> redeem : redeems) {
				principals.add(redeem.get(30, TimeUnit.SECONDS));
			}
			pool.shutdown();
			assertThat(principals).filteredOn(Objects::nonNull).containsExactly(principal);
		}
	}

	@Test
	void issueShouldDrawAnotherTicketWhenTheStoreHoldsTheFirst() {
		List<String> tried = new ArrayList<>();
		EvConnectionTickets colliding = new EvConnectionTickets(storeAnswering(tried, false, true));
		EvConnectionTicket ticket = colliding.issue(EvPrincipal.of("alice")).block(TIMEOUT);
		assertThat(tried).hasSize(2).doesNotHaveDuplicates();
		assertThat(ticket.value()).isEqualTo(tried.get(1));
	}

	@Test
	void issueShouldFailWhenTheStoreHoldsEveryTicketItDraws() {
		List<String> tried = new ArrayList<>();
		EvConnectionTickets colliding = new EvConnectionTickets(storeAnswering(tried, false, false, false, true));
		assertThatIllegalStateException().isThrownBy(() -> colliding.issue(EvPrincipal.of("alice")).block(TIMEOUT))
			.withMessage("Could not issue a ticket: the store held each of 3 random tickets already");
		assertThat(tried).hasSize(3);
	}

	@Test
	void issueShouldStoreNothingUntilSubscribed() {
		List<String> tried = new ArrayList<>();
		EvConnectionTickets lazy = new EvConnectionTickets(storeAnswering(tried, true));
		Mono<EvConnectionTicket> issue = lazy.issue(EvPrincipal.of("alice"));
		assertThat(tried).isEmpty();
		issue.block(TIMEOUT);
		assertThat(tried).hasSize(1);
	}

	@Test
	void principalWhoseAttributesAreNoJsonShouldNotBeIssuedATicket() {
		EvPrincipal principal = new EvPrincipal("alice", Map.of("broken", new Unwritable()));
		assertThatIllegalArgumentException().isThrownBy(() -> this.tickets.issue(principal).block(TIMEOUT))
			.withMessageStartingWith("The attributes of principal 'alice' cannot be written as JSON: ");
	}

	@Test
	void ticketThatHoldsNoPrincipalShouldFailToRedeem() {
		this.store.put("AAAAAAAAAAAAAAAAAAAAAA", "{\"name\":1}", Duration.ofMinutes(1)).block(TIMEOUT);
		assertThatIllegalStateException().isThrownBy(() -> this.tickets.redeem("AAAAAAAAAAAAAAAAAAAAAA").block(TIMEOUT))
			.withMessage("A ticket holds no principal: expected a 'name' string and an 'attributes' object");
	}

	@Test
	void timeToLiveShouldBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new EvConnectionTickets(this.store, Duration.ZERO))
			.withMessage("'timeToLive' must be positive, but was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new EvConnectionTickets(this.store, Duration.ofSeconds(-1)))
			.withMessage("'timeToLive' must be positive, but was PT-1S");
		assertThatNullPointerException().isThrownBy(() -> new EvConnectionTickets(this.store, null))
			.withMessage("'timeToLive' must not be null");
		assertThat(new EvConnectionTickets(this.store).timeToLive()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void ticketShouldNotShowItsValue() {
		EvConnectionTicket ticket = this.tickets.issue(EvPrincipal.of("alice")).block(TIMEOUT);
		assertThat(ticket.toString()).doesNotContain(ticket.value())
			.isEqualTo("EvConnectionTicket[value=(hidden), expiresIn=PT30S]");
	}

	/**
	 * A bean whose property cannot be read.
	 */
	public static final class Unwritable {

		public String getValue() {
			throw new IllegalStateException("unreadable");
		}

	}

	/**
	 * A store that records the tickets put and answers each put in turn.
	 */
	private static TicketStore storeAnswering(List<String> tried, boolean... answers) {
		return new TicketStore() {

			@Override
			public Mono<Boolean> put(String ticket, String value, Duration timeToLive) {
				return Mono.fromSupplier(() -> {
					tried.add(ticket);
					return answers[tried.size() - 1];
				});
			}

			@Override
			public Mono<String> take(String ticket) {
				return Mono.empty();
			}

		};
	}

}
