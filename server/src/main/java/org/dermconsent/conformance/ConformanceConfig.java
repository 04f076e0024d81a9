package org.dermconsent.conformance;

import ca.uhn.fhir.batch2.config.Batch2JobRegisterer;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.term.api.ITermDeferredStorageSvc;
import ca.uhn.fhir.jpa.term.api.ITermReadSvc;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.dermconsent.config.StartupStep;
import org.springframework.context.SmartLifecycle;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;

/** Installs DermConsent's profiles and terminology at startup, before the server takes requests. */
@Configuration
public class ConformanceConfig {

	/**
	 * Spring Boot starts the web server at {@code SmartLifecycle.DEFAULT_PHASE - 2048}; lifecycles
	 * with a lower phase start first, so the server listens only once the package is in place.
	 */
	static final int BEFORE_WEB_SERVER_PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

	@Bean
	public OperationDefinitionReferences operationDefinitionReferences(RestfulServer fhirRestfulServer) {
		OperationDefinitionReferences references = new OperationDefinitionReferences();
		fhirRestfulServer.registerInterceptor(references);
		return references;
	}

	@Bean
	public ConformanceResourceInstaller conformanceResourceInstaller(
			FhirContext fhirContext, DaoRegistry daoRegistry, ISearchParamRegistry searchParamRegistry,
			PlatformTransactionManager transactionManager) {
		return new ConformanceResourceInstaller(fhirContext, daoRegistry, searchParamRegistry, new TransactionTemplate(transactionManager));
	}

	@Bean
	public TerminologyPreExpansion terminologyPreExpansion(
			ITermDeferredStorageSvc deferredStorage, ITermReadSvc terminology) {
		return new TerminologyPreExpansion(deferredStorage, terminology);
	}

	@Bean
	public ConformanceInstallation conformanceInstallation(ConformanceResourceInstaller installer, TerminologyPreExpansion preExpansion,
			DataSource dataSource) {
		return new ConformanceInstallation(installer, preExpansion, new PackageInstallJournal(new JdbcTemplate(dataSource)));
	}

	@Bean
	public SmartLifecycle conformancePackageInstallation(ConformanceInstallation installation, Batch2JobRegisterer batchJobs) {
		return new StartupStep(BEFORE_WEB_SERVER_PHASE, () -> {
			// a stored SearchParameter schedules a reindex job, whose definition must be known first
			batchJobs.start();
			installation.installWhatChanged();
		});
	}
}
