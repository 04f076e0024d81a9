package org.dermconsent.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The free-heap bounds and the idle collection are set in the running JVM, unless the operator gave them. */
class HeapReturnTest {

	private final HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

	@Test
	void onG1TheBoundsAndTheIdleCollectionAreSet() {
		assumeTrue(HeapReturn.runsOnG1(), "the test JVM runs G1 by default");
		assumeTrue(vm.getVMOption("MaxHeapFreeRatio").getOrigin() != VMOption.Origin.VM_CREATION,
				"not given on the test JVM's command line");

		assertThat(new HeapReturn(12, 31, Duration.ofSeconds(45)).applyAndCollect()).isTrue();

		assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("12");
		assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("31");
		assertThat(vm.getVMOption("G1PeriodicGCInterval").getValue()).isEqualTo("45000");
		assertThat(vm.getVMOption("MaxHeapFreeRatio").getOrigin()).isEqualTo(VMOption.Origin.MANAGEMENT);

		// values a program set (not the operator) are replaced, also when the new minimum is above the old maximum
		assertThat(new HeapReturn(35, 60, Duration.ofSeconds(60)).applyAndCollect()).isTrue();
		assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("35");
		assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("60");
		assertThat(new HeapReturn(10, 30, Duration.ofSeconds(60)).applyAndCollect()).isTrue();
		assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("10");
		assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("30");
	}

	@Test
	void boundsThatContradictEachOtherAreRefused() {
		assertThatThrownBy(() -> new HeapReturn(40, 30, Duration.ofSeconds(60))).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new HeapReturn(10, 101, Duration.ofSeconds(60))).isInstanceOf(IllegalArgumentException.class);
	}
}
