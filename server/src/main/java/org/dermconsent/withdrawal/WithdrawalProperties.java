package org.dermconsent.withdrawal;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param interval how often grant losses are turned into withdrawal notices
 * @param settle   how long after a loss its notice waits, so that a request that read the image just
 *                 before the change has journaled its disclosure (it journals before it answers)
 * @param maxWait  how long a notice waits at most for the audit to store those disclosures
 */
@ConfigurationProperties(prefix = "dermconsent.withdrawal")
public record WithdrawalProperties(@DefaultValue("500ms") Duration interval, @DefaultValue("1s") Duration settle,
		@DefaultValue("5m") Duration maxWait) {}
