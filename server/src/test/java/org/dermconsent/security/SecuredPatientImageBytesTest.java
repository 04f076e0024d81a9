package org.dermconsent.security;

import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.dermconsent.support.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * {@code patient/Binary.r} (what the patient app asks for to show thumbnails): a patient-context
 * token reads the bytes of its own patient's images, and no other bytes: not another patient's
 * image, not bytes that belong to no image, and nothing without the scope. Binary is in no patient
 * compartment, so without this rule the scope granted nothing at all.
 */
@SecuredServerTest
class SecuredPatientImageBytesTest extends FhirApi {

	private final String admin = LocalTokenIssuer.token("admin", "system/*.*",
			Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));

	private String patient;
	private String ownBytes;
	private String othersBytes;
	private String nobodysBytes;

	@BeforeEach
	void twoPatientsWithAPhotoEach() {
		patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		String other = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		ownBytes = bytes();
		create("Media", DermJson.media(testTag, "Patient/" + patient, "identifiable", "Binary/" + ownBytes, ""));
		othersBytes = bytes();
		create("Media", DermJson.media(testTag, "Patient/" + other, "identifiable", "Binary/" + othersBytes, ""));
		nobodysBytes = bytes();
	}

	@Test
	void aPatientReadsTheBytesOfTheirOwnImagesOnly() {
		String app = LocalTokenIssuer.token("smart-patient-app", "launch/patient openid patient/Media.rs patient/Binary.r",
				Map.of("patient", patient));

		bytesAs(app).get("/Binary/" + ownBytes).then().statusCode(200).contentType(startsWith("image/jpeg"));
		as(app).accept(FHIR_JSON).get("/Binary/" + ownBytes).then().statusCode(200).body("resourceType", equalTo("Binary"));
		bytesAs(app).get("/Binary/" + othersBytes).then().statusCode(403);
		as(app).accept(FHIR_JSON).get("/Binary/" + othersBytes).then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"));
		as(app).accept(FHIR_JSON).get("/Binary/" + nobodysBytes).then().statusCode(403);
	}

	@Test
	void withoutTheBinaryScopeNoBytesAreRead() {
		String app = LocalTokenIssuer.token("smart-patient-app", "launch/patient openid patient/Media.rs",
				Map.of("patient", patient));
		bytesAs(app).get("/Binary/" + ownBytes).then().statusCode(403);
	}

	private String bytes() {
		return create("Binary", "{\"resourceType\":\"Binary\",\"contentType\":\"image/jpeg\",\"data\":\""
				+ Base64.getEncoder().encodeToString(TestImages.jpeg(4, 4)) + "\"}");
	}

	private String create(String type, String json) {
		String location = as(admin).body(json).post("/" + type).then().statusCode(201).extract().header("Location");
		return location.replaceAll(".*/" + type + "/([^/]+)/_history/.*", "$1");
	}

	private RequestSpecification bytesAs(String token) {
		return raw().header("Authorization", "Bearer " + token).accept("image/jpeg");
	}

	private RequestSpecification as(String token) {
		return fhir().header("Authorization", "Bearer " + token);
	}
}
