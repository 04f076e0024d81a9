package org.dermconsent.enforcement;

import org.dermconsent.access.RequestPurpose;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/**
 * Image bytes belong to one image: a Media may name only a Binary that is its own or nobody's, and
 * no request gets bytes through an image other than theirs. The hostile client asks for AI training;
 * the refusing patient's photo may not be used for it, the consenting patient's photos may.
 * Runs on H2 ({@link H2BinaryOwnershipTest}) and PostgreSQL ({@link PostgresBinaryOwnershipTest}).
 */
abstract class BinaryOwnershipSuite extends FhirApi {

	private static final String FOREARM = ",\"bodySite\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"14975008\"}]}";

	private String refusing;
	private String consenting;
	private String deniedPhoto;
	private String deniedBytes;

	@BeforeEach
	void aRefusingAndAConsentingPatient() {
		refusing = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, refusing, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		consenting = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, consenting, "active",
				List.of(DermJson.permit("ai-training", null, null, null))));
		deniedBytes = createBinary(null);
		deniedPhoto = create("Media", photo(refusing, "Binary/" + deniedBytes));
	}

	// ------------------------------------------------------------------ ownership is taken and kept

	@Test
	void bytesNobodyOwnedBecomeTheImageThatNamesThem() {
		fhir().get("/Binary/" + deniedBytes).then().statusCode(200)
				.body("securityContext.reference", equalTo("Media/" + deniedPhoto));
		aiTraining().get("/Binary/" + deniedBytes).then().statusCode(403);

		String bytes = createBinary(null);
		String photo = create("Media", photo(consenting, "Binary/" + bytes));
		fhir().get("/Binary/" + bytes).then().body("securityContext.reference", equalTo("Media/" + photo));
		aiTraining().get("/Binary/" + bytes).then().statusCode(200);
	}

	@Test
	void anImageMayNameBytesThatAlreadyNameIt() {
		String photo = create("Media", DermJson.media(testTag, consenting, "identifiable", null, ""));
		String bytes = createBinary("Media/" + photo);
		fhir().body(DermJson.withId(photo(consenting, "Binary/" + bytes), photo)).put("/Media/" + photo).then().statusCode(200);
		aiTraining().get("/Binary/" + bytes).then().statusCode(200);
	}

	// ------------------------------------------------------------------ laundering another patient's bytes

	@Test
	void aNewImageCannotNameAnotherImagesBytes() {
		refused(fhir().body(photo(consenting, "Binary/" + deniedBytes)).post("/Media"));
		aiTraining().get("/Binary/" + deniedBytes).then().statusCode(403);
		fhir().get("/Binary/" + deniedBytes).then().body("securityContext.reference", equalTo("Media/" + deniedPhoto));
	}

	@Test
	void anUpdateCannotNameAnotherImagesBytes() {
		String photo = create("Media", photo(consenting, "Binary/" + createBinary(null)));
		refused(fhir().body(DermJson.withId(photo(consenting, "Binary/" + deniedBytes), photo)).put("/Media/" + photo));
		fhir().get("/Media/" + photo).then().body("meta.versionId", equalTo("1"));
	}

	@Test
	void aPatchCannotNameAnotherImagesBytes() {
		String photo = create("Media", photo(consenting, "Binary/" + createBinary(null)));
		refused(fhir().contentType("application/json-patch+json")
				.body("[{\"op\":\"replace\",\"path\":\"/content/url\",\"value\":\"Binary/" + deniedBytes + "\"}]")
				.patch("/Media/" + photo));
		fhir().get("/Media/" + photo).then().body("meta.versionId", equalTo("1"));
	}

	@Test
	void aTransactionCannotNameAnotherImagesBytesAndWritesNothing() {
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
				+ "{\"fullUrl\":\"urn:uuid:b1\",\"resource\":" + binaryJson(null) + ",\"request\":{\"method\":\"POST\",\"url\":\"Binary\"}},"
				+ "{\"fullUrl\":\"urn:uuid:m1\",\"resource\":" + photo(consenting, "urn:uuid:b1") + ",\"request\":{\"method\":\"POST\",\"url\":\"Media\"}},"
				+ "{\"fullUrl\":\"urn:uuid:m2\",\"resource\":" + photo(consenting, "Binary/" + deniedBytes)
				+ ",\"request\":{\"method\":\"POST\",\"url\":\"Media\"}}]}";
		refused(fhir().body(bundle).post("/"));
		fhir().get("/Media?subject=" + consenting + "&_summary=count").then().body("total", equalTo(0));
	}

	@Test
	void aBatchEntryCannotNameAnotherImagesBytes() {
		String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
				+ "{\"resource\":" + photo(consenting, "Binary/" + deniedBytes) + ",\"request\":{\"method\":\"POST\",\"url\":\"Media\"}}]}";
		fhir().body(batch).post("/").then().statusCode(200).body("entry[0].response.status", startsWith("422"));
		fhir().get("/Media?subject=" + consenting + "&_summary=count").then().body("total", equalTo(0));
	}

	@Test
	void twoImagesOfOneTransactionCannotShareBytes() {
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
				+ "{\"fullUrl\":\"urn:uuid:b1\",\"resource\":" + binaryJson(null) + ",\"request\":{\"method\":\"POST\",\"url\":\"Binary\"}},"
				+ "{\"fullUrl\":\"urn:uuid:m1\",\"resource\":" + photo(refusing, "urn:uuid:b1") + ",\"request\":{\"method\":\"POST\",\"url\":\"Media\"}},"
				+ "{\"fullUrl\":\"urn:uuid:m2\",\"resource\":" + photo(consenting, "urn:uuid:b1") + ",\"request\":{\"method\":\"POST\",\"url\":\"Media\"}}]}";
		refused(fhir().body(bundle).post("/"));
	}

	@Test
	void aTransactionWithBytesAndTheirImageGivesTheBytesToTheImage() {
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
				+ "{\"fullUrl\":\"urn:uuid:m1\",\"resource\":" + photo(consenting, "urn:uuid:b1") + ",\"request\":{\"method\":\"POST\",\"url\":\"Media\"}},"
				+ "{\"fullUrl\":\"urn:uuid:b1\",\"resource\":" + binaryJson(null) + ",\"request\":{\"method\":\"POST\",\"url\":\"Binary\"}}]}";
		io.restassured.path.json.JsonPath response = fhir().body(bundle).post("/").then().statusCode(200).extract().jsonPath();
		String media = response.getString("entry[0].response.location").replaceAll("/_history/.*", "");
		String bytes = response.getString("entry[1].response.location").replaceAll("/_history/.*", "");
		fhir().get("/" + bytes).then().body("securityContext.reference", equalTo(media));
		aiTraining().get("/" + bytes).then().statusCode(200);
	}

	@Test
	void bytesCannotBeGivenToAnotherImage() {
		String photo = create("Media", photo(consenting, "Binary/" + createBinary(null)));
		refused(fhir().contentType("application/json-patch+json")
				.body("[{\"op\":\"replace\",\"path\":\"/securityContext/reference\",\"value\":\"Media/" + photo + "\"}]")
				.patch("/Binary/" + deniedBytes));
		// leaving the securityContext out keeps it: bytes cannot be made nobody's and then claimed
		fhir().contentType("application/json-patch+json")
				.body("[{\"op\":\"remove\",\"path\":\"/securityContext\"}]").patch("/Binary/" + deniedBytes);
		fhir().get("/Binary/" + deniedBytes).then().body("securityContext.reference", equalTo("Media/" + deniedPhoto));
		refused(fhir().body(photo(consenting, "Binary/" + deniedBytes)).post("/Media"));
		aiTraining().get("/Binary/" + deniedBytes).then().statusCode(403);

		String document = create("Binary", pdf(refusing));
		refused(fhir().contentType("application/json-patch+json")
				.body("[{\"op\":\"replace\",\"path\":\"/securityContext/reference\",\"value\":\"Media/" + photo + "\"}]")
				.patch("/Binary/" + document));
		aiTraining().get("/Binary/" + document).then().statusCode(403);
	}

	@Test
	void aClientCannotMarkBytesAsAnExportFile() {
		String jobId = "{\"url\":\"https://hapifhir.org/NamingSystem/bulk-export-job-id\",\"valueString\":\"forged\"}";
		refused(fhir().contentType("application/json-patch+json")
				.body("[{\"op\":\"add\",\"path\":\"/meta/extension\",\"value\":[" + jobId + "]}]")
				.patch("/Binary/" + deniedBytes));
		aiTraining().get("/Binary/" + deniedBytes).then().statusCode(403);
		refused(fhir().body(binaryJson(null).replace("{\"resourceType\":\"Binary\",",
				"{\"resourceType\":\"Binary\",\"meta\":{\"extension\":[" + jobId + "]},")).post("/Binary"));
	}

	@Test
	void deidentifyingALaunderingImageIsRefused() {
		// named through another host name of this server: not recognised as this server's Binary when written,
		// but $deidentify asked through that host name would read it
		String otherHost = "http://localhost:" + port + "/fhir";
		String launderer = create("Media", photo(consenting, otherHost + "/Binary/" + deniedBytes));
		aiTraining().header("Host", "localhost:" + port).body("{\"resourceType\":\"Parameters\"}")
				.post("/Media/" + launderer + "/$deidentify").then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"));
		fhir().get("/Media?subject=" + consenting + "&_summary=count").then().body("total", equalTo(1));
	}

	// ------------------------------------------------------------------ every form of reference to this server's bytes

	@Test
	void anAbsoluteUrlToThisServerIsThisServersBinary() {
		bytesNamedByTheRefusingPatientAreNotLaundered(baseUrl() + "/Binary/%s");
	}

	@Test
	void aVersionedReferenceIsThisServersBinary() {
		bytesNamedByTheRefusingPatientAreNotLaundered("Binary/%s/_history/1");
	}

	@Test
	void theCanonicalBaseIsThisServerAsForEveryReference() {
		// the server treats its canonical base as local for references (a subject given so is found by a search)
		String photo = create("Media", DermJson.media(testTag, "https://dermconsent.org/fhir/" + consenting, "identifiable", null, ""));
		fhir().get("/Media?subject=" + consenting).then().body("entry.resource.id", hasItem(photo));
		bytesNamedByTheRefusingPatientAreNotLaundered("https://dermconsent.org/fhir/Binary/%s");
	}

	private void bytesNamedByTheRefusingPatientAreNotLaundered(String form) {
		String bytes = createBinary(null);
		String photo = create("Media", photo(refusing, String.format(form, bytes)));
		fhir().get("/Binary/" + bytes).then().body("securityContext.reference", equalTo("Media/" + photo));
		aiTraining().get("/Binary/" + bytes).then().statusCode(403);

		refused(fhir().body(photo(consenting, "Binary/" + bytes)).post("/Media"));
		aiTraining().get("/Binary/" + bytes).then().statusCode(403);
		fhir().get("/Binary/" + bytes).then().statusCode(200);
	}

	@Test
	void bytesNamedElsewhereAreNotThisServers() {
		String bytes = createBinary(null);
		create("Media", photo(consenting, "https://images.example.org/fhir/Binary/" + bytes));
		fhir().get("/Binary/" + bytes).then().body("securityContext", equalTo(null));
		aiTraining().get("/Binary/" + bytes).then().statusCode(403);
	}

	// ------------------------------------------------------------------ bytes that are no image's

	@Test
	void aDocumentOfAPatientIsForCareOnly() {
		String document = create("Binary", pdf(consenting));
		aiTraining().get("/Binary/" + document).then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
		fhir().get("/Binary/" + document).then().statusCode(200);

		String orphan = create("Binary", pdf(null));
		aiTraining().get("/Binary/" + orphan).then().statusCode(403);
		fhir().get("/Binary/" + orphan).then().statusCode(200);
	}

	@Test
	void aDocumentCannotBecomeAnImagesBytes() {
		String document = create("Binary", pdf(consenting));
		refused(fhir().body(photo(consenting, "Binary/" + document)).post("/Media"));
	}

	@Test
	void bytesOfADeletedImageAreForCareOnly() {
		String bytes = createBinary(null);
		String photo = create("Media", photo(consenting, "Binary/" + bytes));
		aiTraining().get("/Binary/" + bytes).then().statusCode(200);
		fhir().delete("/Media/" + photo).then().statusCode(200);
		aiTraining().get("/Binary/" + bytes).then().statusCode(403);
		fhir().get("/Binary/" + bytes).then().statusCode(200);
	}

	// ------------------------------------------------------------------ helpers

	private static void refused(io.restassured.response.Response response) {
		response.then().statusCode(422).body("resourceType", equalTo("OperationOutcome"))
				.body("issue[0].diagnostics", containsString("Binary"));
	}

	private RequestSpecification aiTraining() {
		return fhir().header(RequestPurpose.HEADER, "ai-training");
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private String createBinary(String securityContext) {
		return create("Binary", binaryJson(securityContext));
	}

	private static String binaryJson(String securityContext) {
		String context = securityContext == null ? "" : ",\"securityContext\":{\"reference\":\"" + securityContext + "\"}";
		return "{\"resourceType\":\"Binary\",\"contentType\":\"image/jpeg\",\"data\":\""
				+ Base64.getEncoder().encodeToString(TestImages.jpeg(16, 16)) + "\"" + context + "}";
	}

	private static String pdf(String patient) {
		String context = patient == null ? "" : ",\"securityContext\":{\"reference\":\"" + patient + "\"}";
		return "{\"resourceType\":\"Binary\",\"contentType\":\"application/pdf\",\"data\":\""
				+ Base64.getEncoder().encodeToString("%PDF-1.4 signed consent form".getBytes()) + "\"" + context + "}";
	}

	private String photo(String patient, String url) {
		return DermJson.media(testTag, patient, "identifiable", url, FOREARM);
	}
}
