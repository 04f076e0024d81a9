package org.dermconsent.enforcement.index;

import org.dermconsent.config.FhirDatabase;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import jakarta.persistence.EntityManagerFactory;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.dermconsent.enforcement.EnforcementProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;

/**
 * The search index of grants: kept exact by every write (always on, so that switching enforcement
 * back on after a benchmark needs no re-indexing) and refreshed when consent periods start or end.
 */
@Configuration
public class GrantIndexConfig {

	@Bean
	public GrantRefreshSchedule grantRefreshSchedule(DataSource dataSource) {
		GrantRefreshSchedule schedule = new GrantRefreshSchedule(new JdbcTemplate(dataSource));
		schedule.createTableIfMissing();
		return schedule;
	}

	/** The one per-patient serialization of consent writes, also for features that write consents (consent requests). */
	@Bean
	public PatientWriteLock patientWriteLock(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
		return new PatientWriteLock(entityManagerFactory, FhirDatabase.isPostgres(dataSource));
	}

	@Bean
	public GrantIndex grantIndex(DaoRegistry daoRegistry, ImageConsentDecisions decisions, GrantRefreshSchedule schedule,
			IInterceptorService storageInterceptors, EntityManagerFactory entityManagerFactory,
			ObjectProvider<GrantLossListener> lossListeners, PatientWriteLock patientLock) {
		GrantIndex index = new GrantIndex(daoRegistry, decisions, schedule, patientLock, lossListeners.orderedStream().toList());
		storageInterceptors.registerInterceptor(new GrantIndexMaintainer(index, entityManagerFactory, patientLock));
		return index;
	}

	@Bean(destroyMethod = "stop")
	public GrantRefresher grantRefresher(GrantIndex index, GrantRefreshSchedule schedule,
			PlatformTransactionManager transactionManager, EnforcementProperties properties) {
		return new GrantRefresher(index, schedule, new TransactionTemplate(transactionManager), properties.refreshInterval());
	}

	@EventListener(ApplicationReadyEvent.class)
	public void startRefresher(ApplicationReadyEvent event) {
		event.getApplicationContext().getBean(GrantRefresher.class).start();
	}
}
