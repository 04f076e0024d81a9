package org.dermconsent.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param enabled         false only to measure what auditing costs (benchmarks)
 * @param flushInterval   how often the writer wakes when idle; journaled disclosures are stored at once,
 *                        in batches of whatever has accumulated meanwhile
 * @param journal         the directory of the audit journal, which holds each disclosure durably until it
 *                        is stored; by default {@code audit-journal} next to an H2 file database, a
 *                        temporary directory for an in-memory one, else {@code ./data/audit-journal}
 * @param compactInterval how often the journal's stored segments are deleted (for H2 after a checkpoint)
 * @param journalTimeout  how long a disclosing response waits for its record to reach the disk; longer, and
 *                        it is refused (503) rather than sent unrecorded
 * @param durable         false only to measure what durability costs (benchmarks): the journal is then written
 *                        but not forced to disk, so a crash of the machine (not only of the server) can lose
 *                        disclosures. Refused together with security.
 */
@ConfigurationProperties(prefix = "dermconsent.audit")
public record AuditProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1s") Duration flushInterval,
		Path journal, @DefaultValue("10s") Duration compactInterval, @DefaultValue("10s") Duration journalTimeout,
		@DefaultValue("true") boolean durable) {}
