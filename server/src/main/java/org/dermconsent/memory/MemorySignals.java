package org.dermconsent.memory;

/** What the idle memory return reads from the JVM, behind an interface so its rules are testable. */
interface MemorySignals {

	/** Bytes allocated on the heap so far by the live threads (0 where the JVM cannot tell). */
	long allocatedBytes();

	/** Bytes of heap the JVM has committed. */
	long committedHeapBytes();
}
