package org.dermconsent.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param enabled       false only to measure what auditing costs (benchmarks)
 * @param flushInterval the longest a disclosure waits before it is written
 */
@ConfigurationProperties(prefix = "dermconsent.audit")
public record AuditProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1s") Duration flushInterval) {}
