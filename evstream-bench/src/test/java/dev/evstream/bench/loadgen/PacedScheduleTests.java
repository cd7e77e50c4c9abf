package dev.evstream.bench.loadgen;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PacedSchedule}.
 */
class PacedScheduleTests {

	@Test
	void messageNIsDueAtStartPlusNOverRate() {
		PacedSchedule schedule = new PacedSchedule(1_000, 100, 4);
		assertThat(schedule.dueNanos(0)).isEqualTo(1_000);
		assertThat(schedule.dueNanos(1)).isEqualTo(1_000 + 10_000_000);
		assertThat(schedule.dueNanos(250)).isEqualTo(1_000 + 2_500_000_000L);
	}

	@Test
	void connectionsTakeTurns() {
		PacedSchedule schedule = new PacedSchedule(0, 100, 4);
		assertThat(schedule.connection(0)).isZero();
		assertThat(schedule.connection(3)).isEqualTo(3);
		assertThat(schedule.connection(4)).isZero();
		assertThat(schedule.connection(9)).isEqualTo(1);
		assertThat(new PacedSchedule(0, 100, 1).connection(7)).isZero();
	}

	@Test
	void lateSendsAreLagAndEarlyOnesAreNot() {
		PacedSchedule schedule = new PacedSchedule(0, 1_000, 2);
		assertThat(schedule.sent(0, 0)).isZero();
		// message 1 is due at 1 ms; its connection held it until 4 ms
		assertThat(schedule.sent(1, 4_000_000)).isEqualTo(3_000_000);
		assertThat(schedule.sent(2, 2_500_000)).isEqualTo(500_000);
		assertThat(schedule.sent(3, 2_000_000)).isZero();
		assertThat(schedule.maxLagNanos()).isEqualTo(3_000_000);
	}

	@Test
	void needsARateAndAConnection() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PacedSchedule(0, 0, 4));
		assertThatIllegalArgumentException().isThrownBy(() -> new PacedSchedule(0, 100, 0));
	}

}
