package dev.evstream.bench.loadgen;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ServerProbe#usedHeapKb}, on what {@code jcmd GC.heap_info} prints.
 */
class ServerProbeTests {

	@Test
	void serialHeapShouldSumItsGenerationsAndLeaveMetaspaceOut() {
		String info = """
				21952:
				 def new generation   total 116160K, used 20659K [0x0000000687400000, 0x000000068f200000, 0x0000000704d50000)
				  eden space 103296K,  20% used [0x0000000687400000, 0x000000068882cef8, 0x000000068d8e0000)
				  from space 12864K,   0% used [0x000000068d8e0000, 0x000000068d8e0000, 0x000000068e570000)
				  to   space 12864K,   0% used [0x000000068e570000, 0x000000068e570000, 0x000000068f200000)
				 tenured generation   total 258048K, used 31337K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
				   the space 258048K,  12% used [0x0000000704d50000, 0x0000000704d50000, 0x0000000704d50200, 0x0000000714950000)
				 Metaspace       used 8955K, committed 9152K, reserved 1114112K
				  class space    used 1062K, committed 1152K, reserved 1048576K
				""";
		assertThat(ServerProbe.usedHeapKb(info)).isEqualTo(20659 + 31337);
	}

	@Test
	void regionHeapShouldBeReadFromItsOneLine() {
		String info = """
				4242:
				 garbage-first heap   total 262144K, used 12345K [0x0000000700000000, 0x0000000800000000)
				  region size 1024K, 3 young (3072K), 0 survivors (0K)
				 Metaspace       used 8955K, committed 9152K, reserved 1114112K
				""";
		assertThat(ServerProbe.usedHeapKb(info)).isEqualTo(12345);
	}

	@Test
	void textWithoutHeapShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerProbe.usedHeapKb("4242:\nNo such command\n"))
			.withMessageStartingWith("No heap usage in: 4242:");
	}

}
