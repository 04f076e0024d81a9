package org.dermconsent.enforcement.index;

import org.dermconsent.background.ScheduledRound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.time.Instant;

/**
 * Rewrites the labels of patients whose consent periods start or end, shortly after they do. Between
 * the boundary and the rewrite, searches may still count an image whose period just ended; the
 * disclosure guard decides at the instant of each request and never returns it.
 */
public class GrantRefresher {

	private static final Logger log = LoggerFactory.getLogger(GrantRefresher.class);
	private static final int PATIENTS_PER_ROUND = 200;

	private final GrantIndex index;
	private final GrantRefreshSchedule schedule;
	private final TransactionTemplate transaction;
	private final ScheduledRound rounds;

	public GrantRefresher(GrantIndex index, GrantRefreshSchedule schedule, TransactionTemplate transaction, Duration interval) {
		this.index = index;
		this.schedule = schedule;
		this.transaction = transaction;
		this.rounds = new ScheduledRound("grant-refresher", interval, this::refreshDue);
	}

	public void start() {
		rounds.start();
	}

	public void stop() {
		rounds.stop();
	}

	/** One round: every patient due now, each in its own transaction. */
	public int refreshDue() {
		int refreshed = 0;
		try {
			for (String patient : schedule.due(Instant.now(), PATIENTS_PER_ROUND)) {
				Integer changed = transaction.execute(status -> index.refresh(patient));
				log.info("Consent period boundary: relabelled {} image(s) of {}", changed, patient);
				refreshed++;
			}
		} catch (RuntimeException e) {
			log.warn("Grant refresh round failed, will retry: {}", e.toString());
		}
		return refreshed;
	}
}
