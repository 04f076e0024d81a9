package org.dermconsent.rest;

import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

@H2ServerTest
class ServerHealthTest extends FhirApi {

	@Test
	void healthIsUpWithDatabaseCheck() {
		server().get("/actuator/health").then().statusCode(200)
				.body("status", equalTo("UP"))
				.body("components.db.status", equalTo("UP"));
	}

	@Test
	void capabilityStatementListsDermConsentResourceTypes() {
		fhir().get("/metadata").then().statusCode(200)
				.body("resourceType", equalTo("CapabilityStatement"))
				.body("fhirVersion", equalTo("4.0.1"))
				.body("rest[0].resource.type", hasItems("Patient", "Media", "Binary", "Consent", "Provenance",
						"AuditEvent", "CodeSystem", "ValueSet", "ConceptMap", "StructureDefinition", "SearchParameter",
						"Subscription", "Questionnaire", "QuestionnaireResponse", "Practitioner", "Organization"));
	}

	@Test
	void onlyHealthIsExposedAmongActuatorEndpoints() {
		server().get("/actuator/env").then().statusCode(404);
		server().get("/actuator/beans").then().statusCode(404);
	}
}
