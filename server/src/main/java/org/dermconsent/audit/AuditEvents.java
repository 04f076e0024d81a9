package org.dermconsent.audit;

import org.dermconsent.consent.V3PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;

import java.util.Date;

/**
 * A disclosure as an R4 AuditEvent shaped like the IHE Basic Audit Log Patterns events: a search as
 * BALP's query event (type rest, subtype search-type or search-system, action E, an entity with role
 * Query holding the search as sent, base64), anything else as its read event (subtype read, action R);
 * agents for the client application and the user, an entity for each image disclosed
 * and one for their patient, purposeOfEvent from the request (the image-use code and, where one exists,
 * its v3 PurposeOfUse code). One event per patient and response
 * (as BALP's query pattern does), so that a page of fifty images is a few events, not fifty.
 */
final class AuditEvents {

	static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
	private static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
	private static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
	private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
	private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
	private static final String IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use";

	private AuditEvents() {}

	static AuditEvent of(Disclosure disclosure) {
		AuditEvent event = new AuditEvent();
		event.getMeta().addTag("https://dermconsent.org/fhir/CodeSystem/audit", "image-disclosure", "Image disclosure");
		event.setType(new Coding(AUDIT_EVENT_TYPE, "rest", "Restful Operation"));
		Disclosure.Query query = disclosure.query();
		if (query == null) {
			event.addSubtype(new Coding(RESTFUL_INTERACTION, "read", "read"));
			event.setAction(AuditEvent.AuditEventAction.R);
		} else {
			event.addSubtype(new Coding(RESTFUL_INTERACTION, query.interaction(), query.interaction()));
			event.setAction(AuditEvent.AuditEventAction.E);
		}
		event.setRecorded(Date.from(disclosure.at()));
		event.setOutcome(disclosure.permitted() ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._4);
		if (!disclosure.permitted()) {
			event.setOutcomeDesc("Refused by the patient's image consent");
		}
		CodeableConcept purpose = event.addPurposeOfEvent().addCoding(new Coding(IMAGE_USE, disclosure.purpose().code(), null));
		for (V3PurposeOfUse v3 : V3PurposeOfUse.values()) {
			if (v3.requestedUse() == disclosure.purpose()) {
				purpose.addCoding(new Coding(V3PurposeOfUse.SYSTEM, v3.code(), null));
			}
		}
		event.getSource().setObserver(new Reference().setDisplay("DermConsent FHIR server"))
				.addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));

		AuditEvent.AuditEventAgentComponent application = event.addAgent().setRequestor(false);
		application.setType(new CodeableConcept(new Coding(DICOM, "110150", "Application")));
		application.setWho(new Reference().setIdentifier(new org.hl7.fhir.r4.model.Identifier()
				.setSystem("https://dermconsent.org/fhir/NamingSystem/client-id")
				.setValue(disclosure.client() == null ? "anonymous" : disclosure.client())));
		if (disclosure.user() != null) {
			AuditEvent.AuditEventAgentComponent user = event.addAgent().setRequestor(true);
			user.setType(new CodeableConcept(new Coding(DICOM, "110153", "Source Role ID")));
			user.setWho(new Reference().setIdentifier(new org.hl7.fhir.r4.model.Identifier()
					.setSystem("https://dermconsent.org/fhir/NamingSystem/token-subject").setValue(disclosure.user())));
		}

		for (String resource : disclosure.resources()) {
			event.addEntity().setWhat(new Reference(resource))
					.setType(new Coding(ENTITY_TYPE, "2", "System Object"))
					.setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
		}
		if (disclosure.patient() != null) {
			event.addEntity().setWhat(new Reference(disclosure.patient()))
					.setType(new Coding(ENTITY_TYPE, "1", "Person"))
					.setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
		}
		if (query != null) {
			// BALP's query entity: the search as sent, base64 (AuditEvent.entity.query is base64Binary)
			event.addEntity().setType(new Coding(ENTITY_TYPE, "2", "System Object"))
					.setRole(new Coding(OBJECT_ROLE, "24", "Query"))
					.setQuery(query.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		return event;
	}
}
