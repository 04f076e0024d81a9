package org.dermconsent.rest;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.narrative2.NullNarrativeGenerator;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.LoggingInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.dermconsent.config.DermConsentProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/** The FHIR REST endpoint at {@code /fhir}: which resource types and operations it exposes. */
@Configuration
public class FhirEndpointConfig {

	/** The request log's logger: one line per request, including refused ones. */
	public static final String REQUEST_LOG = "dermconsent.access";

	/** The resource types DermConsent serves (Task also backs HAPI's $merge and holds consent requests; RelatedPerson names guardians); other R4 types are not stored. */
	static final List<String> SUPPORTED_RESOURCE_TYPES = List.of(
			"Patient", "Practitioner", "PractitionerRole", "RelatedPerson", "Organization", "Device", "Group",
			"Media", "Binary", "Consent", "Provenance", "AuditEvent",
			"Questionnaire", "QuestionnaireResponse",
			"CodeSystem", "ValueSet", "ConceptMap", "NamingSystem",
			"StructureDefinition", "SearchParameter", "OperationDefinition", "ImplementationGuide",
			"Subscription", "Task", "List");

	/** Runs before any bean exists (hence static): HAPI's per-type beans of unserved types are never made. */
	@Bean
	static UnservedResourceTypes unservedResourceTypes() {
		return new UnservedResourceTypes(SUPPORTED_RESOURCE_TYPES);
	}

	@Bean
	public RestfulServer fhirRestfulServer(
			IFhirSystemDao<?, ?> systemDao,
			DaoRegistry daoRegistry,
			ResourceProviderFactory resourceProviders,
			IJpaSystemProvider systemProvider,
			ValueSetOperationProvider valueSetOperations,
			BulkDataExportProvider bulkExport,
			JpaStorageSettings storageSettings,
			ISearchParamRegistry searchParamRegistry,
			IValidationSupport validationSupport,
			DatabaseBackedPagingProvider pagingProvider,
			DermConsentProperties properties,
			CorsProperties cors) {
		daoRegistry.setSupportedResourceTypes(SUPPORTED_RESOURCE_TYPES);

		RestfulServer server = new RestfulServer(systemDao.getContext());
		server.getFhirContext().setNarrativeGenerator(new NullNarrativeGenerator());
		server.registerProviders(resourceProviders.createProviders());
		server.registerProviders(systemProvider, valueSetOperations, bulkExport);
		JpaCapabilityStatementProvider capabilities = new JpaCapabilityStatementProvider(
				server, systemDao, storageSettings, searchParamRegistry, validationSupport);
		// HAPI would add each type's resource count (an extension of its own, unknown to validators):
		// /metadata is public, and how many Media, Consents and Patients exist is not
		capabilities.setIncludeResourceCounts(false);
		server.setServerConformanceProvider(capabilities);
		server.setPagingProvider(pagingProvider);
		server.setDefaultResponseEncoding(EncodingEnum.JSON);
		server.setServerAddressStrategy(properties.server().publicBaseUrl().isBlank()
				? new IncomingRequestAddressStrategy()
				: new HardcodedServerAddressStrategy(properties.server().publicBaseUrl()));
		server.registerInterceptor(requestLog());
		server.registerInterceptor(new ResourceIdSyntaxInterceptor());
		server.registerInterceptor(new PagingParametersInterceptor());
		server.registerInterceptor(new RdfFormatRefusal(new OperationOutcomeWriter(server.getFhirContext())));
		server.registerInterceptor(new RequestBodyTextInterceptor());
		server.registerInterceptor(new ResourceStructureGuard());
		server.registerInterceptor(new OutageInterceptor());
		server.registerInterceptor(new StaleVersionPrecondition());
		server.registerInterceptor(new EmptyOperationBody());
		server.registerInterceptor(new BinaryDownloadName());
		server.registerInterceptor(new ServedCapabilities(cors.allowedOrigins().stream().anyMatch(origin -> !origin.isBlank())));
		return server;
	}

	@Bean
	public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer fhirRestfulServer) {
		ServletRegistrationBean<RestfulServer> registration =
				new ServletRegistrationBean<>(fhirRestfulServer, "/fhir/*");
		registration.setName("fhir");
		registration.setLoadOnStartup(1);
		return registration;
	}

	/** A refused request is logged by the request log and HAPI's one-line warning, not as an ERROR. */
	@Bean
	public HookClientErrorLogFilter hookClientErrorLogFilter() {
		return HookClientErrorLogFilter.install();
	}

	private static LoggingInterceptor requestLog() {
		LoggingInterceptor log = new LoggingInterceptor();
		log.setLoggerName(REQUEST_LOG);
		log.setMessageFormat(
				"${requestVerb} ${requestUrl}${requestParameters} op=${operationType} ms=${processingTimeMillis} remote=${remoteAddr} id=${requestId}");
		log.setErrorMessageFormat("${requestVerb} ${requestUrl}${requestParameters} failed: ${exceptionMessage} id=${requestId}");
		return log;
	}
}
