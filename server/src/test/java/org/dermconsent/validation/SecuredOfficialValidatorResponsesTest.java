package org.dermconsent.validation;

import org.dermconsent.profiles.OfficialValidator;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The CapabilityStatement in secure mode (SMART oauth-uris), as the official HL7 validator sees it. */
@SecuredServerTest
class SecuredOfficialValidatorResponsesTest extends FhirApi {

	@Test
	void theSecureCapabilityStatementHasNoErrors() {
		OfficialValidator validator = OfficialValidator.load();
		String statement = fhir().get("/metadata").then().statusCode(200).extract().asString();
		assertThat(statement).contains("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
		try {
			assertThat(OfficialValidatorResponsesTest.errors(validator, "CapabilityStatement (security on)", statement))
					.as("errors of the official validator").isEmpty();
		} finally {
			System.out.println(validator.report("Official HL7 validator over the secure server's CapabilityStatement:"));
		}
	}
}
