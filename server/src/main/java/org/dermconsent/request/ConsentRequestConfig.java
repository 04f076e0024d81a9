package org.dermconsent.request;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.dermconsent.enforcement.index.PatientWriteLock;
import org.dermconsent.vocabulary.ClientDevices;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Clock;

/**
 * Consent requests (DESIGN 11): clients ask patients first, as Tasks; patients answer with
 * {@code Task/$respond}; unanswered requests lapse; patients are reminded of permits about to end; patients who come of age are
 * asked about what their guardian allowed.
 */
@Configuration
public class ConsentRequestConfig {

	@Bean
	public RespondOperation respondOperation(DaoRegistry daoRegistry, PatientWriteLock patientWriteLock,
			PlatformTransactionManager transactionManager, IInterceptorService storageInterceptors, RestfulServer fhirRestfulServer,
			ClientDevices clientDevices) {
		GoverningConsents governing = new GoverningConsents(daoRegistry);
		RequestRules rules = new RequestRules(daoRegistry, governing, Clock.systemUTC());
		storageInterceptors.registerInterceptor(new ConsentRequestWrites(rules, clientDevices));
		storageInterceptors.registerInterceptor(new OwnRequestsSearch());
		RespondOperation operation = new RespondOperation(new ConsentRequestAnswers(daoRegistry, governing, rules, patientWriteLock,
				new TransactionTemplate(transactionManager), Clock.systemUTC()));
		fhirRestfulServer.registerProvider(operation);
		return operation;
	}

	@Bean(destroyMethod = "stop")
	public RequestLapse requestLapse(DaoRegistry daoRegistry, PatientWriteLock patientWriteLock,
			PlatformTransactionManager transactionManager, ConsentRequestProperties properties) {
		return new RequestLapse(daoRegistry, patientWriteLock, new TransactionTemplate(transactionManager), Clock.systemUTC(),
				properties.lapseInterval());
	}

	@Bean(destroyMethod = "stop")
	public ExpiryReminders expiryReminders(DaoRegistry daoRegistry, DataSource dataSource,
			PlatformTransactionManager transactionManager, ConsentRequestProperties properties) {
		ExpiryReminders reminders = new ExpiryReminders(daoRegistry, new GoverningConsents(daoRegistry), new JdbcTemplate(dataSource),
				new TransactionTemplate(transactionManager), Clock.systemUTC(), properties.reminderInterval());
		reminders.createTableIfMissing();
		return reminders;
	}

	@Bean(destroyMethod = "stop")
	public GuardianHandover guardianHandover(DaoRegistry daoRegistry, DataSource dataSource,
			PlatformTransactionManager transactionManager, ConsentRequestProperties properties, ClientDevices clientDevices) {
		GuardianHandover handover = new GuardianHandover(daoRegistry, new GoverningConsents(daoRegistry), clientDevices,
				new JdbcTemplate(dataSource), new TransactionTemplate(transactionManager), Clock.systemUTC(), properties.reminderInterval());
		handover.createTableIfMissing();
		return handover;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void startSchedules(ApplicationReadyEvent event) {
		event.getApplicationContext().getBean(RequestLapse.class).start();
		event.getApplicationContext().getBean(ExpiryReminders.class).start();
		event.getApplicationContext().getBean(GuardianHandover.class).start();
	}
}
