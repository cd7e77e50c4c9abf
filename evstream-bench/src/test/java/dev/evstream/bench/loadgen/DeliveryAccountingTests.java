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

	private static Payload measured(int sequence, long sentNanos) {
		return new Payload(RUN, true, sequence, sentNanos);
	}

}
