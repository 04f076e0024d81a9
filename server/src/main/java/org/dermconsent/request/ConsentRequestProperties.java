package org.dermconsent.request;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param lapseInterval    how often open consent requests past their end are cancelled
 * @param reminderInterval how often permits ending within 30 days are looked for (each reminded once), and
 *                         guardians' consents that ended at an 18th birthday (each use asked about once)
 */
@ConfigurationProperties(prefix = "dermconsent.requests")
public record ConsentRequestProperties(@DefaultValue("30s") Duration lapseInterval,
		@DefaultValue("1h") Duration reminderInterval) {}
