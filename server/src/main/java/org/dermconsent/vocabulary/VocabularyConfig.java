package org.dermconsent.vocabulary;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The vocabulary's one stateful piece, shared by every capability that names a client's Device. */
@Configuration
public class VocabularyConfig {

	/** One per server: its writers take turns only with writers using the same instance. */
	@Bean
	public ClientDevices clientDevices(DaoRegistry daoRegistry, PlatformTransactionManager transactionManager) {
		return new ClientDevices(daoRegistry, transactionManager);
	}
}
