package org.dermconsent.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The free-heap bounds are set in the running JVM, unless the operator gave them, and a collection reports what it did. */
class HeapReturnTest {

	private final HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

	@Test
	void theBoundsAreSetWhereTheCollectorSizesTheHeapByThem() {
		assertThat(HeapReturn.sizesHeapByFreeRatios(List.of("G1 Young Generation", "G1 Old Generation"))).isTrue();
		assertThat(HeapReturn.sizesHeapByFreeRatios(List.of("Copy", "MarkSweepCompact"))).isTrue();
		assertThat(HeapReturn.sizesHeapByFreeRatios(List.of("PS Scavenge", "PS MarkSweep"))).isFalse();
		assertThat(HeapReturn.sizesHeapByFreeRatios(List.of("ZGC Cycles", "ZGC Pauses"))).isFalse();
		assertThat(HeapReturn.sizesHeapByFreeRatios(List.of("Shenandoah Cycles", "Shenandoah Pauses"))).isFalse();
	}

	@Test
	void onG1TheBoundsAreSet() {
		assumeTrue(HeapReturn.collectorNames().contains("G1 Old Generation"), "the test JVM runs G1 by default");
		assumeTrue(vm.getVMOption("MaxHeapFreeRatio").getOrigin() != VMOption.Origin.VM_CREATION,
				"not given on the test JVM's command line");

		assertThat(new HeapReturn(12, 31).applyBounds()).isTrue();

		assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("12");
		assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("31");
		assertThat(vm.getVMOption("MaxHeapFreeRatio").getOrigin()).isEqualTo(VMOption.Origin.MANAGEMENT);

		// values a program set (not the operator) are replaced, also when the new minimum is above the old maximum
		assertThat(new HeapReturn(35, 60).applyBounds()).isTrue();
		assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("35");
		assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("60");
		assertThat(new HeapReturn(10, 30).applyBounds()).isTrue();
		assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("10");
		assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("30");
	}

	@Test
	void aCollectionSaysWhatItDid() {
		assertThat(new HeapReturn(10, 30).collect()).matches("heap \\d+ MiB committed before a collection, \\d+ MiB after \\(\\d+ MiB in use\\), \\d+ ms.*");
	}

	@Test
	void aHeapCanShrinkOnlyAboveItsInitialSize() {
		long mib = 1L << 20;
		assertThat(HeapReturn.canShrink(new MemoryUsage(384 * mib, 215 * mib, 370 * mib, 6144 * mib))).isFalse();
		assertThat(HeapReturn.canShrink(new MemoryUsage(384 * mib, 215 * mib, 384 * mib, 6144 * mib))).isFalse();
		assertThat(HeapReturn.canShrink(new MemoryUsage(384 * mib, 215 * mib, 650 * mib, 6144 * mib))).isTrue();
		assertThat(HeapReturn.canShrink(new MemoryUsage(-1, 215 * mib, 370 * mib, 6144 * mib))).isTrue();
	}

	@Test
	void aCollectionLeftOutSaysWhy() {
		assertThat(new HeapReturn(10, 30).collectIfHeapCanShrink()).matches(
				"heap \\d+ MiB committed before a collection, \\d+ MiB after \\(\\d+ MiB in use\\), \\d+ ms.*"
						+ "|heap \\d+ MiB committed \\(\\d+ MiB in use\\), not above its initial \\d+ MiB: no collection.*");
	}

	@Test
	void onGlibcTheNativeHeapIsTrimmed() {
		String trimmed = NativeHeapTrim.trim();
		assumeTrue(!trimmed.isEmpty(), "this JVM has no System.trim_native_heap command (before 17.0.9, or not glibc)");
		assertThat(trimmed).contains("RSS");
	}

	@Test
	void boundsThatContradictEachOtherAreRefused() {
		assertThatThrownBy(() -> new HeapReturn(40, 30)).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new HeapReturn(10, 101)).isInstanceOf(IllegalArgumentException.class);
	}
}
