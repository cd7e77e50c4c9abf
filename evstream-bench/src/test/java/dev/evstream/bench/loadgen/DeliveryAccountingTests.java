package dev.evstream.bench.loadgen;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DeliveryAccounting}.
 */
class DeliveryAccountingTests {

	private static final long RUN = 0x1234;

	private final DeliveryAccounting accounting = new DeliveryAccounting(RUN);

	@Test
	void everyMessageToEveryClientGivesRatioOne() {
		this.accounting.window(3);
		ConnectionTally a = this.accounting.connection(false);
		ConnectionTally b = this.accounting.connection(false);
		for (int seq = 0; seq < 3; seq++) {
			this.accounting.received(a, measured(seq, 100), 100 + 1_000);
			this.accounting.received(b, measured(seq, 100), 100 + 2_000);
		}
		DeliveryAccounting.Summary summary = this.accounting.summary(3);
		assertThat(summary.clients()).isEqualTo(2);
		assertThat(summary.expected()).isEqualTo(6);
		assertThat(summary.delivered()).isEqualTo(6);
		assertThat(summary.ratio()).isEqualTo(1.0);
		assertThat(summary.duplicates()).isZero();
		assertThat(summary.completeClients()).isEqualTo(2);
		assertThat(summary.p50Nanos()).isBetween(990L, 1010L);
		assertThat(summary.maxNanos()).isEqualTo(2_000);
	}

	@Test
	void duplicatesAreCountedAndNotDelivered() {
		this.accounting.window(2);
		ConnectionTally a = this.accounting.connection(false);
		this.accounting.received(a, measured(0, 0), 10);
		this.accounting.received(a, measured(0, 0), 20);
		this.accounting.received(a, measured(1, 0), 30);
		DeliveryAccounting.Summary summary = this.accounting.summary(2);
		assertThat(summary.delivered()).isEqualTo(2);
		assertThat(summary.duplicates()).isEqualTo(1);
		assertThat(summary.ratio()).isEqualTo(1.0);
	}

	@Test
	void lossesLowerTheRatioAndCompleteClients() {
		this.accounting.window(4);
		ConnectionTally a = this.accounting.connection(false);
		ConnectionTally b = this.accounting.connection(false);
		for (int seq = 0; seq < 4; seq++) {
			this.accounting.received(a, measured(seq, 0), 1);
		}
		this.accounting.received(b, measured(0, 0), 1);
		DeliveryAccounting.Summary summary = this.accounting.summary(4);
		assertThat(summary.ratio()).isEqualTo(5 / 8.0);
		assertThat(summary.completeClients()).isEqualTo(1);
	}

	@Test
	void otherRunsWarmUpAndOutOfWindowAreNotDeliveries() {
		this.accounting.window(2);
		ConnectionTally a = this.accounting.connection(false);
		this.accounting.received(a, new Payload(RUN + 1, true, 0, 0), 1);
		this.accounting.received(a, new Payload(RUN, false, 0, 0), 1);
		this.accounting.received(a, measured(2, 0), 1);
		this.accounting.received(a, measured(-1, 0), 1);
		assertThat(a.foreignCount()).isEqualTo(3);
		assertThat(a.warmUpCount()).isEqualTo(1);
		assertThat(this.accounting.warmConnections()).isEqualTo(1);
		assertThat(this.accounting.summary(2).delivered()).isZero();
	}

	@Test
	void stalledConnectionsAreKeptOutOfTheFigures() {
		this.accounting.window(1);
		ConnectionTally reader = this.accounting.connection(false);
		ConnectionTally stalled = this.accounting.connection(true);
		this.accounting.received(reader, measured(0, 0), 5);
		this.accounting.received(stalled, measured(0, 0), 1_000_000);
		DeliveryAccounting.Summary summary = this.accounting.summary(1);
		assertThat(summary.clients()).isEqualTo(1);
		assertThat(summary.delivered()).isEqualTo(1);
		assertThat(summary.maxNanos()).isEqualTo(5);
		assertThat(stalled.delivered()).isEqualTo(1);
	}

	@Test
	void latencyPercentilesComeFromEmbeddedSendTimes() {
		this.accounting.window(1000);
		ConnectionTally a = this.accounting.connection(false);
		for (int seq = 0; seq < 1000; seq++) {
			long latency = (seq < 990) ? 1_000_000 : 100_000_000;
			this.accounting.received(a, measured(seq, 5_000), 5_000 + latency);
		}
		DeliveryAccounting.Summary summary = this.accounting.summary(1000);
		assertThat(summary.p50Nanos()).isBetween(990_000L, 1_010_000L);
		assertThat(summary.p99Nanos()).isBetween(990_000L, 1_010_000L);
		assertThat(summary.p999Nanos()).isBetween(99_000_000L, 101_000_000L);
	}

	@Test
	void eachGroupIsSummedUpApart() {
		this.accounting.window(2);
		ConnectionTally first = this.accounting.connection(false, 0);
		ConnectionTally second = this.accounting.connection(false, 1);
		ConnectionTally alsoSecond = this.accounting.connection(false, 1);
		for (int seq = 0; seq < 2; seq++) {
			this.accounting.received(first, measured(seq, 0), 1_000);
			this.accounting.received(second, measured(seq, 0), 5_000);
		}
		this.accounting.received(alsoSecond, measured(0, 0), 7_000);
		assertThat(this.accounting.groups()).isEqualTo(2);
		DeliveryAccounting.Summary all = this.accounting.summary(2);
		assertThat(all.clients()).isEqualTo(3);
		assertThat(all.delivered()).isEqualTo(5);
		DeliveryAccounting.Summary one = this.accounting.summary(2, 0);
		assertThat(one.clients()).isEqualTo(1);
		assertThat(one.delivered()).isEqualTo(2);
		assertThat(one.ratio()).isEqualTo(1.0);
		assertThat(one.maxNanos()).isEqualTo(1_000);
		assertThat(one.lastDeliveryNanos()).isEqualTo(1_000);
		DeliveryAccounting.Summary two = this.accounting.summary(2, 1);
		assertThat(two.clients()).isEqualTo(2);
		assertThat(two.expected()).isEqualTo(4);
		assertThat(two.delivered()).isEqualTo(3);
		assertThat(two.ratio()).isEqualTo(0.75);
		assertThat(two.completeClients()).isEqualTo(1);
		assertThat(two.maxNanos()).isEqualTo(7_000);
		assertThat(two.lastDeliveryNanos()).isEqualTo(7_000);
	}

	private static Payload measured(int sequence, long sentNanos) {
		return new Payload(RUN, true, sequence, sentNanos);
	}

}
