package org.dermconsent.rest;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import io.restassured.response.ValidatableResponse;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Storage exists for the served resource types only, and the others are refused as before. */
@H2ServerTest
class ServedResourceTypesTest extends FhirApi {

	@Autowired
	ApplicationContext context;

	@Test
	void storageBeansExistForTheServedTypesOnly() {
		List<String> stored = context.getBeansOfType(IFhirResourceDao.class).values().stream()
				.map(dao -> dao.getContext().getResourceType(dao.getResourceType()))
				.toList();
		assertThat(stored).containsExactlyInAnyOrderElementsOf(FhirEndpointConfig.SUPPORTED_RESOURCE_TYPES);
		assertThat(context.containsBean("myObservationDaoR4")).isFalse();
		assertThat(context.containsBean("myObservationRpR4")).isFalse();
	}

	@Test
	void anUnservedTypeIsRefusedInEveryForm() {
		expectOutcome(fhir().get("/Observation").then(), 404);
		expectOutcome(fhir().body("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}")
				.post("/Observation").then(), 404);
		String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
				+ "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
		int status = fhir().body(transaction).post("").then().body("resourceType", equalTo("OperationOutcome"))
				.extract().statusCode();
		assertThat(status).isBetween(400, 499);
		fhir().get("/metadata").then().statusCode(200)
				.body("rest[0].resource.findAll { it.type == 'Observation' }.size()", equalTo(0));
	}

	private static void expectOutcome(ValidatableResponse response, int status) {
		response.statusCode(status).body("resourceType", equalTo("OperationOutcome")).body("issue[0].severity", equalTo("error"));
	}
}
