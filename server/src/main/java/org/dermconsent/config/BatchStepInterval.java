package org.dermconsent.config;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.maintenance.JobMaintenanceServiceImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/**
 * How soon a batch job goes on to its next step. HAPI starts each step of a gated job (a bulk export
 * has four) in its maintenance pass, which it runs once a minute by default, so even a small export took
 * about four minutes. It runs every {@code dermconsent.batch.step-interval} (5 s) instead: with no job
 * running a pass is one query, and in a cluster only one node runs it. Set before HAPI's scheduler
 * schedules its jobs (when the context has been refreshed).
 */
@Configuration
public class BatchStepInterval {

	private static final Logger log = LoggerFactory.getLogger(BatchStepInterval.class);

	public BatchStepInterval(IJobMaintenanceService maintenance, @Value("${dermconsent.batch.step-interval}") Duration interval) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("dermconsent.batch.step-interval must be positive, not " + interval);
		}
		if (maintenance instanceof JobMaintenanceServiceImpl scheduled) {
			scheduled.setScheduledJobFrequencyMillis(interval.toMillis());
		} else {
			log.warn("Batch jobs go on to their next step at HAPI's own pace: its maintenance service is a {}",
					maintenance.getClass().getName());
		}
	}
}
