package org.dermconsent.memory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param returnUnusedHeap whether the server gives unused memory back to the operating system after
 *                         startup and when idle (heap bounds on G1 and the serial collector; flags given to java are kept)
 * @param minFreePercent   the collector grows the heap after a collection that leaves less than this share free
 * @param maxFreePercent   the collector shrinks the heap after a collection that leaves more than this share free
 * @param idleAfter        memory is given back once no request came for this long and background work is calm
 */
@ConfigurationProperties(prefix = "dermconsent.memory")
public record MemoryProperties(@DefaultValue("true") boolean returnUnusedHeap,
		@DefaultValue("10") int minFreePercent,
		@DefaultValue("15") int maxFreePercent,
		@DefaultValue("30s") Duration idleAfter) {}
