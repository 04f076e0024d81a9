package org.dermconsent.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Optional;

/**
 * Gives the operating system back the memory the server does not use.
 *
 * <p>Without {@code -Xmx} the JVM may grow the heap to a quarter of the machine's memory, and G1 keeps
 * what it once committed: startup (parsing FHIR core definitions, building Hibernate's metamodel)
 * allocates gigabytes of short-lived objects, so a server whose live data is a few hundred megabytes
 * stayed at 1.2-1.7 GiB resident. This sets the collector's free-heap bounds, so that a collection shrinks the heap
 * to what is live plus a margin; {@link #collectIfHeapCanShrink} then runs a full collection where that can
 * give memory back, and trims the C library's free native memory. It runs once startup is done and whenever
 * the server has been idle for a while ({@link IdleMemoryReturn}).
 *
 * <p>Only flags the JVM lets a running program change are touched, and only when the operator has not
 * given them (command line, {@code JAVA_TOOL_OPTIONS} or a flags file): an explicit
 * {@code -XX:MaxHeapFreeRatio} wins. The bounds are set where the collector sizes the heap by them: G1, and the
 * serial collector the launcher chooses on small machines ({@code bin/dermconsent}). Other collectors
 * (Parallel's adaptive sizing, ZGC, Shenandoah) size the heap their own way and are left alone.
 */
public final class HeapReturn {

	private static final Logger log = LoggerFactory.getLogger(HeapReturn.class);

	private final int minFreePercent;
	private final int maxFreePercent;

	public HeapReturn(int minFreePercent, int maxFreePercent) {
		if (minFreePercent < 0 || maxFreePercent > 100 || minFreePercent > maxFreePercent) {
			throw new IllegalArgumentException("need 0 <= min-free-percent <= max-free-percent <= 100, not "
					+ minFreePercent + " and " + maxFreePercent);
		}
		this.minFreePercent = minFreePercent;
		this.maxFreePercent = maxFreePercent;
	}

	/** Sets the free-heap bounds; returns false (and changes nothing) where they do not apply. */
	public boolean applyBounds() {
		List<String> collectors = collectorNames();
		if (!sizesHeapByFreeRatios(collectors)) {
			log.info("Heap bounds not applied: the JVM's collector ({}) does not size the heap by them",
					String.join(", ", collectors));
			return false;
		}
		HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
		// the JVM refuses a minimum above the current maximum and a maximum below the current minimum
		if (minFreePercent > currentValue(vm, "MaxHeapFreeRatio")) {
			setUnlessGiven(vm, "MaxHeapFreeRatio", maxFreePercent);
			setUnlessGiven(vm, "MinHeapFreeRatio", minFreePercent);
		} else {
			setUnlessGiven(vm, "MinHeapFreeRatio", minFreePercent);
			setUnlessGiven(vm, "MaxHeapFreeRatio", maxFreePercent);
		}
		return true;
	}

	/** Collects, shrinks the heap to the bounds and trims native memory; says what it did. */
	String collect() {
		long before = committedHeap();
		long started = System.nanoTime();
		System.gc();
		return String.format("heap %d MiB committed before a collection, %d MiB after (%d MiB in use), %d ms%s",
				before >> 20, committedHeap() >> 20, usedHeap() >> 20, (System.nanoTime() - started) / 1_000_000,
				trimNativeHeap());
	}

	/**
	 * As {@link #collect}, without the collection while the heap is no larger than the JVM's initial heap,
	 * below which no collector shrinks it. There a collection gives nothing back and costs a pause: after
	 * startup on the serial collector the launcher chooses on two CPUs, 0.4-0.6 s of a 20-25 s start with
	 * about 215 MiB live in a heap of 370 MiB committed. The native heap is trimmed either way.
	 */
	public String collectIfHeapCanShrink() {
		MemoryUsage heap = heap();
		if (canShrink(heap)) {
			return collect();
		}
		return String.format("heap %d MiB committed (%d MiB in use), not above its initial %d MiB: no collection%s",
				heap.getCommitted() >> 20, heap.getUsed() >> 20, heap.getInit() >> 20, trimNativeHeap());
	}

	/** Trims the C library's free memory; what the JVM said about it, on one line after "; ", or nothing. */
	private static String trimNativeHeap() {
		String trimmed = NativeHeapTrim.trim();
		return trimmed.isEmpty() ? "" : "; " + trimmed.replace('\n', ' ');
	}

	/** A heap whose initial size is not known (-1) is assumed to be able to shrink. */
	static boolean canShrink(MemoryUsage heap) {
		return heap.getInit() < 0 || heap.getCommitted() > heap.getInit();
	}

	private static void setUnlessGiven(HotSpotDiagnosticMXBean vm, String flag, long value) {
		Optional<VMOption> option = option(vm, flag);
		if (option.isEmpty() || !option.get().isWriteable()) {
			log.info("Heap return: JVM flag {} cannot be changed at run time here; left as it is", flag);
			return;
		}
		if (givenByOperator(option.get())) {
			return;
		}
		vm.setVMOption(flag, Long.toString(value));
	}

	private static boolean givenByOperator(VMOption option) {
		return switch (option.getOrigin()) {
			case VM_CREATION, ENVIRON_VAR, CONFIG_FILE -> true;
			default -> false;
		};
	}

	private static long currentValue(HotSpotDiagnosticMXBean vm, String flag) {
		return option(vm, flag).map(option -> Long.parseLong(option.getValue())).orElse(100L);
	}

	private static Optional<VMOption> option(HotSpotDiagnosticMXBean vm, String flag) {
		try {
			return Optional.of(vm.getVMOption(flag));
		} catch (IllegalArgumentException e) {
			return Optional.empty();
		}
	}

	/** G1's collectors are named "G1 ...", the serial collector's "Copy" (young) and "MarkSweepCompact" (old). */
	static boolean sizesHeapByFreeRatios(List<String> collectorNames) {
		return collectorNames.stream().anyMatch(name -> name.startsWith("G1 ") || name.equals("MarkSweepCompact"));
	}

	static List<String> collectorNames() {
		return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList();
	}

	static long committedHeap() {
		return heap().getCommitted();
	}

	private static long usedHeap() {
		return heap().getUsed();
	}

	private static MemoryUsage heap() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
	}
}
