package org.dermconsent.memory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Asks the C library to give the memory it keeps free back to the operating system.
 *
 * <p>glibc keeps what the JVM's native code (compilers, class loading, GC bookkeeping, zip and network
 * buffers) freed in its arenas, so the process stays as large as its busiest moment. The JVM's
 * {@code System.trim_native_heap} command (OpenJDK 17.0.9 and later, on glibc) returns it; where the
 * command does not exist this does nothing.
 */
final class NativeHeapTrim {

	private static final Logger log = LoggerFactory.getLogger(NativeHeapTrim.class);
	private static final String OPERATION = "systemTrimNativeHeap";

	private NativeHeapTrim() {}

	/** Returns what the JVM reported (e.g. "RSS+Swap: 980M->958M"), or empty where it cannot trim. */
	static String trim() {
		try {
			MBeanServer server = ManagementFactory.getPlatformMBeanServer();
			ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
			boolean available = Arrays.stream(server.getMBeanInfo(diagnostics).getOperations())
					.map(MBeanOperationInfo::getName)
					.anyMatch(OPERATION::equals);
			if (!available) {
				return "";
			}
			Object report = server.invoke(diagnostics, OPERATION, new Object[0], new String[0]);
			return report == null ? "" : report.toString().strip();
		} catch (JMException | RuntimeException e) {
			log.debug("The native heap could not be trimmed: {}", e.toString());
			return "";
		}
	}
}
