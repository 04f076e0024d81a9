package org.dermconsent.memory;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The JVM's readings the idle memory return relies on: they must move, not read 0. */
class JvmMemorySignalsTest {

	private final JvmMemorySignals signals = new JvmMemorySignals();

	@Test
	void allocationOnAnyThreadIsCounted() throws InterruptedException {
		byte[][] kept = new byte[64][];
		CountDownLatch allocatedAll = new CountDownLatch(1);
		Thread worker = new Thread(() -> {
			for (int i = 0; i < kept.length; i++) {
				kept[i] = new byte[1 << 20];
			}
			allocatedAll.countDown();
			try {
				Thread.sleep(60_000); // alive while its counter is read
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		});
		worker.start();
		try {
			assertThat(allocatedAll.await(30, TimeUnit.SECONDS)).isTrue();
			// threads of other tests may end meanwhile and leave the sum, so compare with two live counters
			ThreadMXBean threads = ManagementFactory.getPlatformMXBean(ThreadMXBean.class);
			long workers = threads.getThreadAllocatedBytes(worker.getId());
			long mine = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
			assertThat(workers).isGreaterThanOrEqualTo(64L << 20);
			assertThat(signals.allocatedBytes()).isGreaterThanOrEqualTo(workers + mine);
		} finally {
			worker.interrupt();
			worker.join();
		}
	}

	@Test
	void theCommittedHeapIsRead() {
		assertThat(signals.committedHeapBytes()).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
	}
}
