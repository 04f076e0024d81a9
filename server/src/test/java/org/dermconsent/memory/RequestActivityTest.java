package org.dermconsent.memory;

import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every request the server answers, FHIR or not, counts as activity for the idle memory return. */
@H2ServerTest
class RequestActivityTest extends FhirApi {

	@Autowired
	IdleMemoryReturn idle;

	@Test
	void requestsAreSeen() {
		long before = idle.requestsSeen();
		fhir().get("/metadata").then().statusCode(200);
		given().port(port).get("/patient-app/").then().statusCode(200);
		assertThat(idle.requestsSeen() - before).isGreaterThanOrEqualTo(2);
		assertThat(idle.round()).isFalse(); // a request just ended
	}
}
