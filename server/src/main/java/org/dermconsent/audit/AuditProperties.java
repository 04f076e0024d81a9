package org.dermconsent.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param enabled       false only to measure what auditing costs (benchmarks)
 * @param flushInterval how often the writer wakes when idle; queued disclosures are written at once, in
 *                      batches of whatever has accumulated meanwhile
 */
@ConfigurationProperties(prefix = "dermconsent.audit")
public record AuditProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1s") Duration flushInterval) {}
