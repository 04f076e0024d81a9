package org.dermconsent.memory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param returnUnusedHeap whether the server gives unused heap back to the operating system (G1 only;
 *                         flags given on the java command line are kept)
 * @param minFreePercent   G1 grows the heap after a collection that leaves less than this share free
 * @param maxFreePercent   G1 shrinks the heap after a collection that leaves more than this share free
 * @param idleCollection   G1 collects, and can shrink the heap, when none ran for this long
 */
@ConfigurationProperties(prefix = "dermconsent.memory")
public record MemoryProperties(@DefaultValue("true") boolean returnUnusedHeap,
		@DefaultValue("10") int minFreePercent,
		@DefaultValue("30") int maxFreePercent,
		@DefaultValue("60s") Duration idleCollection) {}
