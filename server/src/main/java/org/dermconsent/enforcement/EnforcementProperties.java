package org.dermconsent.enforcement;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param enabled            false only to measure what enforcement costs (benchmarks): images are then
 *                           disclosed for every purpose. Refused together with security.
 * @param refreshInterval    how often consent periods that started or ended are applied to the search index
 */
@ConfigurationProperties(prefix = "dermconsent.enforcement")
public record EnforcementProperties(
		@DefaultValue("true") boolean enabled,
		@DefaultValue("30s") Duration refreshInterval) {}
