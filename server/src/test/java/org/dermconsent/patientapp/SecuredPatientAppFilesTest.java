package org.dermconsent.patientapp;

import org.dermconsent.support.FhirApi;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * With security on, the app's files and config need no token (the app gets one only after it has
 * loaded), the config names the public SMART client, and everything else still needs a token.
 */
@SecuredServerTest
class SecuredPatientAppFilesTest extends FhirApi {

	@Test
	void theAppLoadsWithoutATokenAndLaunchesSmart() {
		server().get("/patient-app/").then().statusCode(200).contentType(startsWith("text/html"));
		server().get("/patient-app/vendor/fhir-client.min.js").then().statusCode(200);
		server().get("/patient-app/config.json").then().statusCode(200)
				.body("security", equalTo(true)).body("clientId", equalTo("smart-patient-app"));
	}

	@Test
	void aMissingFileIs404AndTheApiStillNeedsAToken() {
		server().get("/patient-app/no-such-file.js").then().statusCode(404).body("resourceType", equalTo("OperationOutcome"));
		server().get("/fhir/Media").then().statusCode(401);
		server().post("/patient-app/config.json").then().statusCode(401);
		server().get("/patient-app-other/x").then().statusCode(401)
				.header("WWW-Authenticate", containsString("Bearer"));
	}
}
