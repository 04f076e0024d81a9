package org.dermconsent.withdrawal;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.dermconsent.vocabulary.ClientDevices;
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
 * Withdrawal notices (DESIGN 12): grant losses recorded with the change that caused them, turned into
 * Tasks for the clients that received the images, delivered by HAPI's rest-hook Subscriptions.
 */
@Configuration
public class WithdrawalConfig {

	@Bean
	public GrantLossJournal grantLossJournal(DataSource dataSource) {
		GrantLossJournal journal = new GrantLossJournal(new JdbcTemplate(dataSource));
		journal.createTablesIfMissing();
		return journal;
	}

	@Bean(destroyMethod = "stop")
	public WithdrawalNotifier withdrawalNotifier(GrantLossJournal losses, ObjectProvider<DisclosureBacklog> backlog,
			PlatformTransactionManager transactionManager, DaoRegistry daoRegistry, WithdrawalProperties properties,
			IInterceptorService storageInterceptors, ClientDevices clientDevices) {
		storageInterceptors.registerInterceptor(new NoticeSubscriptions());
		storageInterceptors.registerInterceptor(new NoticeWrites());
		storageInterceptors.registerInterceptor(new OwnNoticesSearch());
		return new WithdrawalNotifier(losses, backlog.getIfAvailable(() -> DisclosureBacklog.NONE),
				new TransactionTemplate(transactionManager), daoRegistry, clientDevices, properties.interval(), properties.settle(),
				properties.maxWait());
	}

	@EventListener(ApplicationReadyEvent.class)
	public void startNotifier(ApplicationReadyEvent event) {
		event.getApplicationContext().getBean(WithdrawalNotifier.class).start();
	}
}
