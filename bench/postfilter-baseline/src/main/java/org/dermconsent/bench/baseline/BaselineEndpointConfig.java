package org.dermconsent.bench.baseline;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/** {@code /fhir}: every R4 resource type, as HAPI serves them by default, and the ConsentInterceptor unless switched off. */
@Configuration
public class BaselineEndpointConfig {

	private static final Logger LOG = LoggerFactory.getLogger(BaselineEndpointConfig.class);

	@Bean
	public RestfulServer fhirRestfulServer(IFhirSystemDao<?, ?> systemDao, DaoRegistry daoRegistry,
			ResourceProviderFactory resourceProviders, IJpaSystemProvider systemProvider,
			JpaStorageSettings storageSettings, ISearchParamRegistry searchParamRegistry,
			IValidationSupport validationSupport, DatabaseBackedPagingProvider pagingProvider,
			@Value("${baseline.consent:true}") boolean consent) {
		RestfulServer server = new RestfulServer(systemDao.getContext());
		server.registerProviders(resourceProviders.createProviders());
		server.registerProvider(systemProvider);
		server.setServerConformanceProvider(new JpaCapabilityStatementProvider(
				server, systemDao, storageSettings, searchParamRegistry, validationSupport));
		server.setPagingProvider(pagingProvider);
		server.setDefaultResponseEncoding(EncodingEnum.JSON);
		if (consent) {
			server.registerInterceptor(new ConsentInterceptor(new PurposeConsentService(daoRegistry)));
			LOG.info("Post-filter consent is ON: Media for purpose ai-training are checked after the query");
		} else {
			LOG.info("Post-filter consent is OFF: plain HAPI JPA server");
		}
		return server;
	}

	@Bean
	public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer fhirRestfulServer) {
		ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(fhirRestfulServer, "/fhir/*");
		registration.setName("fhir");
		registration.setLoadOnStartup(1);
		return registration;
	}
}
