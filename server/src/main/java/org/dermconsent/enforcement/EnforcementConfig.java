package org.dermconsent.enforcement;

import org.dermconsent.vocabulary.LocalBinaryUrl;
import org.dermconsent.access.PurposeAuthority;
import org.dermconsent.access.RequestPurpose;
import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.search.cache.ISearchCacheSvc;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import org.dermconsent.security.SecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import java.time.Clock;
import java.time.Duration;

/** Consent enforcement on every path that discloses an image or its bytes. */
@Configuration
public class EnforcementConfig {

	private static final Logger log = LoggerFactory.getLogger(EnforcementConfig.class);

	@Bean
	public RequestPurpose requestPurpose(RestfulServer fhirRestfulServer, PurposeAuthority purposeAuthority) {
		RequestPurpose requestPurpose = new RequestPurpose(purposeAuthority);
		fhirRestfulServer.registerInterceptor(requestPurpose);
		fhirRestfulServer.registerInterceptor(new MetaOperationRefusal());
		fhirRestfulServer.registerInterceptor(new ResourceCountRefusal());
		fhirRestfulServer.registerInterceptor(new SecondaryUseRefusal());
		fhirRestfulServer.registerInterceptor(new ConditionalImageWriteRefusal());
		return requestPurpose;
	}

	/** Label privacy and probe refusal hold even when filtering is switched off for a benchmark. */
	@Bean
	public GrantLabelMasking grantLabelMasking(IInterceptorService storageInterceptors, ISearchParamRegistry searchParams,
			MatchUrlService matchUrls, FhirContext fhirContext) {
		GrantLabelMasking masking = new GrantLabelMasking();
		storageInterceptors.registerInterceptor(masking);
		storageInterceptors.registerInterceptor(new ImageProbeRejection(searchParams, matchUrls, fhirContext));
		return masking;
	}

	/** Bytes belong to one image even while filtering is off: what is written then is enforced once it is on. */
	@Bean
	public BinaryOwnership binaryOwnership(DaoRegistry daoRegistry, JpaStorageSettings storageSettings,
			IInterceptorService storageInterceptors) {
		BinaryOwnership ownership = new BinaryOwnership(daoRegistry, new LocalBinaryUrl(storageSettings.getTreatBaseUrlsAsLocal()));
		storageInterceptors.registerInterceptor(ownership);
		return ownership;
	}

	/** The tag index matches _tag whatever was written while filtering was off (see {@link PostgresTagIndex}). */
	@Bean
	public TagsKeptOnUpdate tagsKeptOnUpdate(IInterceptorService storageInterceptors) {
		TagsKeptOnUpdate tags = new TagsKeptOnUpdate();
		storageInterceptors.registerInterceptor(tags);
		return tags;
	}

	@Bean
	public EnforcementSwitch enforcement(EnforcementProperties properties, SecurityProperties security) {
		if (!properties.enabled()) {
			if (security.enabled()) {
				throw new IllegalStateException("dermconsent.enforcement.enabled=false is for benchmarks only and"
						+ " cannot be combined with dermconsent.security.enabled=true");
			}
			log.warn("Consent enforcement is OFF (dermconsent.enforcement.enabled=false): every image is disclosed"
					+ " for every purpose. Use this only to measure what enforcement costs.");
		}
		return new EnforcementSwitch(properties.enabled());
	}

	/**
	 * The one owner of what leaves the server (see {@link DisclosurePipeline}). With enforcement off
	 * (benchmarks) its guard lets everything out; audit, label stripping and pseudonyms still apply.
	 */
	@Bean
	public DisclosurePipeline disclosurePipeline(EnforcementSwitch enforcement, DaoRegistry daoRegistry,
			ImageConsentDecisions decisions, IJobCoordinator jobs, DisclosureAudit audit, SubjectMasking pseudonyms,
			DataSource dataSource, ISearchCacheSvc searches, IInterceptorService storageInterceptors,
			RestfulServer fhirRestfulServer, MatchUrlService matchUrls, FhirContext fhirContext,
			ObjectProvider<DatasetEntries> datasetEntries, H2LabelJoinOrder labelJoinOrder, PostgresTagIndex tagIndex) {
		ExportFileOwnership exportFiles = new ExportFileOwnership(jobs);
		DisclosureGuard guard = enforcement.enabled()
				? new DisclosureGuard(new ImageDisclosure(decisions, daoRegistry), exportFiles) : DisclosureGuard.OFF;
		PageOwnership pages = new PageOwnership(new JdbcTemplate(dataSource));
		pages.createTableIfMissing();
		DisclosurePipeline pipeline = new DisclosurePipeline(guard, audit, pseudonyms, pages, searches,
				new SecondaryUseExport(daoRegistry, matchUrls, fhirContext), datasetEntries.getIfAvailable(() -> DatasetEntries.NONE));
		storageInterceptors.registerInterceptor(pipeline);
		fhirRestfulServer.registerInterceptor(pipeline.serverHooks());
		if (enforcement.enabled()) {
			storageInterceptors.registerInterceptor(new SearchPurposeFilter(labelJoinOrder, tagIndex));
			storageInterceptors.registerInterceptor(new BulkExportKickoff());
			fhirRestfulServer.registerInterceptor(new ExportStatusOwnership(exportFiles));
		}
		return pipeline;
	}

	/** How H2 plans the consent filter's SQL (other databases plan from their own statistics). */
	@Bean(destroyMethod = "stop")
	public H2TagSelectivityHint h2TagSelectivityHint(DataSource dataSource) {
		return new H2TagSelectivityHint(dataSource, Duration.ofMinutes(1));
	}

	@Bean
	public H2LabelJoinOrder h2LabelJoinOrder(DataSource dataSource) {
		return new H2LabelJoinOrder(dataSource, Duration.ofMinutes(1), Clock.systemUTC());
	}

	/** How PostgreSQL learns how many images a search's tags have (see {@link PostgresTagIndex}). */
	@Bean(destroyMethod = "stop")
	public PostgresTagIndex postgresTagIndex(DataSource dataSource, PartitionSettings partitionSettings) {
		return new PostgresTagIndex(dataSource, partitionSettings, Duration.ofMinutes(1));
	}

	// after the conformance package stored the tag-index parameter (and HAPI scheduled its reindex job)
	@EventListener(ApplicationReadyEvent.class)
	public void startPlanningAids(ApplicationReadyEvent event) {
		event.getApplicationContext().getBean(H2TagSelectivityHint.class).start();
		event.getApplicationContext().getBean(PostgresTagIndex.class).start();
	}

	/** Whether enforcement runs in this node; a bean so that the startup report can say so. */
	public record EnforcementSwitch(boolean enabled) {}
}
