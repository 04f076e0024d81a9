package org.dermconsent.memory;

import com.sun.management.ThreadMXBean;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** {@link MemorySignals} of this JVM: the threads' allocation counters and the heap's committed size. */
final class JvmMemorySignals implements MemorySignals {

	private final ThreadMXBean threads = ManagementFactory.getPlatformMXBean(ThreadMXBean.class);

	@Override
	public long allocatedBytes() {
		if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
			return 0;
		}
		// -1 for a thread that ended between the two calls
		return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(bytes -> bytes > 0).sum();
	}

	@Override
	public long committedHeapBytes() {
		return HeapReturn.committedHeap();
	}
}
