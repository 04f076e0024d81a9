package org.dermconsent.patientapp;

import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * The patient app is served by the server itself at /patient-app/ with proper content types, the
 * SMART client library included (nothing comes from elsewhere); its config says security is off.
 */
@H2ServerTest
class PatientAppFilesTest extends FhirApi {

	@Test
	void theAppAndItsLibraryAreServedWithTheirContentTypes() {
		server().get("/patient-app/").then().statusCode(200).contentType(startsWith("text/html"))
				.body(containsString("<title>My skin photos"));
		// without the slash, the browser is sent to the directory (relative links and the SMART redirect URI need it)
		server().redirects().follow(false).get("/patient-app").then().statusCode(302)
				.header("Location", endsWith("/patient-app/"));
		server().get("/patient-app/app.js").then().statusCode(200).contentType(startsWith("text/javascript"));
		server().get("/patient-app/server.js").then().statusCode(200).contentType(startsWith("text/javascript"));
		server().get("/patient-app/app.css").then().statusCode(200).contentType(startsWith("text/css"));
		server().get("/patient-app/vendor/fhir-client.min.js").then().statusCode(200)
				.contentType(startsWith("text/javascript")).body(containsString("oauth2"));
	}

	@Test
	void nothingIsLoadedFromAnotherOrigin() {
		for (String file : new String[] {"/patient-app/", "/patient-app/app.css", "/patient-app/app.js", "/patient-app/server.js"}) {
			server().get(file).then().statusCode(200).body(not(containsString("http://")), not(containsString("https://fonts")),
					not(containsString("//cdn")));
		}
	}

	@Test
	void inDemoModeTheConfigSaysSecurityIsOff() {
		server().get("/patient-app/config.json").then().statusCode(200).contentType(startsWith("application/json"))
				.header("Cache-Control", containsString("no-store"))
				.body("security", equalTo(false)).body("fhirBase", equalTo("/fhir")).body("clientId", nullValue());
	}

	@Test
	void aMissingFileIs404WithAnOperationOutcome() {
		server().get("/patient-app/no-such-file.js").then().statusCode(404)
				.body("resourceType", equalTo("OperationOutcome"));
		server().get("/patient-app/../fhir/metadata").then().statusCode(not(equalTo(500)));
	}
}
