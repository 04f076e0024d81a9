package org.dermconsent.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.dermconsent.enforcement.DisclosureAudit;
import org.dermconsent.vocabulary.ImageOfBinary;
import jakarta.persistence.EntityManagerFactory;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.orm.jpa.SharedEntityManagerCreator;

/** The disclosure audit: recorded on every path that lets an image out, written in the background. */
@Configuration
public class AuditConfig {

	@Bean(destroyMethod = "stop")
	public AuditTrail auditTrail(DaoRegistry daoRegistry, IHapiTransactionService transactions,
			EntityManagerFactory entityManagerFactory, AuditProperties properties) {
		return new AuditTrail(daoRegistry.getResourceDao(AuditEvent.class), transactions,
				SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory), properties.flushInterval());
	}

	@Bean
	public AppendOnlyAuditEvents appendOnlyAuditEvents(RestfulServer fhirRestfulServer) {
		AppendOnlyAuditEvents appendOnly = new AppendOnlyAuditEvents();
		fhirRestfulServer.registerInterceptor(appendOnly);
		return appendOnly;
	}

	/** The audit step of the disclosure pipeline. */
	@Bean
	public DisclosureAudit disclosureAudit(AuditTrail trail, DaoRegistry daoRegistry, AuditProperties properties) {
		return properties.enabled() ? new DisclosureRecorder(trail, new ImageOfBinary(daoRegistry)) : DisclosureAudit.NONE;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void startWriting(ApplicationReadyEvent event) {
		event.getApplicationContext().getBean(AuditTrail.class).start();
	}
}
