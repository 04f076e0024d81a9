package org.dermconsent.config;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.IDaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.DaoRegistryResourceSupportedSvc;
import ca.uhn.fhir.rest.api.IResourceSupportedSvc;
import ca.uhn.fhir.jpa.binstore.DatabaseBinaryContentStorageSvcImpl;
import ca.uhn.fhir.jpa.config.util.ResourceCountCacheUtil;
import ca.uhn.fhir.jpa.dao.FulltextSearchSvcImpl;
import ca.uhn.fhir.jpa.dao.IFulltextSearchSvc;
import ca.uhn.fhir.jpa.dao.search.HSearchSortHelperImpl;
import ca.uhn.fhir.jpa.dao.search.IHSearchSortHelper;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.search.IStaleSearchDeletingSvc;
import ca.uhn.fhir.jpa.search.StaleSearchDeletingSvcImpl;
import ca.uhn.fhir.jpa.util.ResourceCountCache;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How HAPI stores and searches resources: storage settings, paging, full-text search and binaries. */
@Configuration
public class FhirStorageConfig {

	@Bean
	public JpaStorageSettings jpaStorageSettings(DermConsentProperties properties) {
		JpaStorageSettings settings = new JpaStorageSettings();
		settings.setAllowExternalReferences(true);
		settings.setHibernateSearchIndexFullText(true);
		settings.setEnforceReferentialIntegrityOnWrite(true);
		settings.setEnforceReferentialIntegrityOnDelete(true);
		settings.setAllowMultipleDelete(false);
		settings.setExpungeEnabled(false);
		settings.setDeleteExpungeEnabled(false);
		settings.setLanguageSearchParameterEnabled(false);
		// A cached search result would outlive the writes (and consent changes) made after it
		settings.setReuseCachedSearchResultsForMillis(null);
		settings.setSearchPreFetchThresholds(SearchPasses.prefetchThresholds());
		settings.setTreatBaseUrlsAsLocal(java.util.Set.of(properties.server().canonicalBase()));
		return settings;
	}

	@Bean
	public SubscriptionSettings subscriptionSettings() {
		// rest-hook only (withdrawal notices, see withdrawal.NoticeSubscriptions), matched in memory
		SubscriptionSettings settings = new SubscriptionSettings();
		settings.addSupportedSubscriptionType(org.hl7.fhir.dstu2.model.Subscription.SubscriptionChannelType.RESTHOOK);
		settings.setOnlyAllowInMemorySubscriptions(true);
		return settings;
	}

	@Bean
	public PartitionSettings partitionSettings() {
		return new PartitionSettings();
	}

	@Bean
	public DatabaseBackedPagingProvider databaseBackedPagingProvider(DermConsentProperties properties) {
		DatabaseBackedPagingProvider paging = new DatabaseBackedPagingProvider();
		paging.setDefaultPageSize(properties.server().defaultPageSize());
		paging.setMaximumPageSize(properties.server().maxPageSize());
		return paging;
	}

	/** Resource providers are created only for the types the DAO registry supports. */
	@Bean
	public IResourceSupportedSvc resourceSupportedSvc(IDaoRegistry daoRegistry) {
		return new DaoRegistryResourceSupportedSvc(daoRegistry);
	}

	@Bean
	public IFulltextSearchSvc fulltextSearchSvc() {
		return new FulltextSearchSvcImpl();
	}

	@Bean
	public IHSearchSortHelper hSearchSortHelper(ISearchParamRegistry searchParamRegistry) {
		return new HSearchSortHelperImpl(searchParamRegistry);
	}

	@Bean
	public IStaleSearchDeletingSvc staleSearchDeletingSvc() {
		return new StaleSearchDeletingSvcImpl();
	}

	@Bean(name = "myResourceCountsCache")
	public ResourceCountCache resourceCountsCache(IFhirSystemDao<?, ?> systemDao) {
		return ResourceCountCacheUtil.newResourceCountCache(systemDao);
	}

	/** Image bytes live in the database with their Binary, so one backup holds images and consents. */
	@Bean
	public DatabaseBinaryContentStorageSvcImpl binaryStorageSvc(DermConsentProperties properties) {
		DatabaseBinaryContentStorageSvcImpl storage = new DatabaseBinaryContentStorageSvcImpl();
		storage.setMaximumBinarySize(properties.server().maxRequestBytes());
		return storage;
	}
}
