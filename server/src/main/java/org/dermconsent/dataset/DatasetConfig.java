package org.dermconsent.dataset;

import org.dermconsent.config.FhirDatabase;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.dermconsent.vocabulary.ClientDevices;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.util.HashSet;
import java.util.Set;

/**
 * Datasets (DESIGN 12): each completed bulk export for a purpose other than clinical care becomes a
 * List of its images with the consent versions that permitted them, named by the manifest, shown to
 * its client only, and checked against today's consents by {@code $dataset-status}.
 */
@Configuration
public class DatasetConfig {

	/**
	 * A dataset entry's governing consent is a versioned reference ({@code Consent/{id}/_history/{v}}):
	 * the version that permitted the image. HAPI strips versions from references when it stores and
	 * serializes resources, except at the paths named here.
	 */
	@Bean
	public DatasetConsentVersions datasetConsentVersions(FhirContext fhirContext) {
		Set<String> paths = new HashSet<>(fhirContext.getParserOptions().getDontStripVersionsFromReferencesAtPaths());
		paths.add("List.entry.extension");
		fhirContext.getParserOptions().setDontStripVersionsFromReferencesAtPaths(paths);
		return new DatasetConsentVersions();
	}

	/** Marks that versioned governing consents are kept (see {@link #datasetConsentVersions}). */
	public record DatasetConsentVersions() {}

	@Bean
	public DatasetJournal datasetJournal(DataSource dataSource, PlatformTransactionManager transactionManager) {
		DatasetJournal journal = new DatasetJournal(new JdbcTemplate(dataSource), new TransactionTemplate(transactionManager),
				FhirDatabase.isPostgres(dataSource));
		journal.createTablesIfMissing();
		return journal;
	}

	@Bean
	public DatasetLists datasetLists(DatasetConsentVersions versionsKept, DatasetJournal journal, DaoRegistry daoRegistry, PlatformTransactionManager transactionManager,
			IJobCoordinator jobs, ImageConsentDecisions decisions, RestfulServer fhirRestfulServer,
			IInterceptorService storageInterceptors, ClientDevices clientDevices) {
		DatasetLists lists = new DatasetLists(journal, daoRegistry, new TransactionTemplate(transactionManager), clientDevices);
		fhirRestfulServer.registerInterceptor(new CompletedExportDataset(jobs, lists));
		fhirRestfulServer.registerProvider(new DatasetStatusOperation(daoRegistry, decisions));
		storageInterceptors.registerInterceptor(new DatasetWrites());
		storageInterceptors.registerInterceptor(new OwnDatasetsSearch());
		return lists;
	}
}
