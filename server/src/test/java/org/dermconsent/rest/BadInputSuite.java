package org.dermconsent.rest;

import io.restassured.response.ValidatableResponse;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.TestImages;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Bad requests get a 4xx with an OperationOutcome that says what is wrong, never a 500, and never
 * leave part of the request written.
 */
abstract class BadInputSuite extends FhirApi {

	@Test
	void malformedJsonIsRejected() {
		expectOutcome(fhir().body("{\"resourceType\":\"Patient\",").post("/Patient").then(), 400)
				.body("issue[0].diagnostics", containsString("Failed to parse"));
	}

	@Test
	void wrongValueTypeIsRejected() {
		expectOutcome(fhir().body("{\"resourceType\":\"Patient\",\"birthDate\":12}").post("/Patient").then(), 400);
	}

	@Test
	void emptyBodyIsRejected() {
		expectOutcome(fhir().body("").post("/Patient").then(), 400);
	}

	@Test
	void unknownResourceTypeIsRejected() {
		expectOutcome(fhir().body("{\"resourceType\":\"Spaceship\"}").post("/Spaceship").then(), 404)
				.body("issue[0].diagnostics", containsString("Unknown resource type 'Spaceship'"));
		expectOutcome(fhir().get("/Spaceship/1").then(), 404);
	}

	@Test
	void resourceTypesOutsideDermConsentAreNotServed() {
		expectOutcome(fhir().get("/Observation").then(), 404);
	}

	@Test
	void nonFhirContentTypeIsRejected() {
		expectOutcome(fhir().contentType("text/plain").body("hello").post("/Patient").then(), 400)
				.body("issue[0].diagnostics", containsString("Content-Type"));
	}

	@Test
	void turtleIsNotAcceptableAsAResponseFormat() {
		for (String format : List.of("ttl", "text/turtle")) {
			expectOutcome(fhir().get("/metadata?_format=" + format).then(), 406)
					.body("issue[0].code", equalTo("not-supported"))
					.body("issue[0].diagnostics", containsString("application/fhir+json"));
		}
		expectOutcome(fhir().accept("text/turtle").get("/Patient?_id=none").then(), 406)
				.body("issue[0].code", equalTo("not-supported"));
		// a client that prefers another format it also accepts gets that one
		fhir().accept("text/turtle;q=0.5, application/fhir+json").get("/Patient?_id=none").then().statusCode(200)
				.contentType(containsString("json"));
		fhir().get("/metadata?_format=xml").then().statusCode(200).contentType(containsString("xml"));
	}

	@Test
	void turtleRequestBodyIsAnUnsupportedMediaType() {
		String turtle = "@prefix fhir: <http://hl7.org/fhir/> .\n[] a fhir:Patient ; fhir:active [ fhir:v true ] .\n";
		expectOutcome(fhir().contentType("text/turtle").body(turtle).post("/Patient").then(), 415)
				.body("issue[0].code", equalTo("not-supported"));
		expectOutcome(fhir().contentType("text/turtle").body(turtle).put("/Patient/turtle-1").then(), 415);
		expectOutcome(fhir().get("/Patient/turtle-1").then(), 404);
	}

	@Test
	void oversizedBodyIsRejectedBeforeParsing() {
		byte[] body = new byte[1024 * 1024 + 1];
		Arrays.fill(body, (byte) ' ');
		expectOutcome(fhir().body(body).post("/Patient").then(), 413)
				.body("issue[0].code", equalTo("too-long"));
	}

	@Test
	void oversizedChunkedBodyIsRejected() {
		byte[] padding = new byte[1024 * 1024 + 10];
		Arrays.fill(padding, (byte) ' ');
		byte[] body = ("{\"resourceType\":\"Patient\"," + metaWithTestTag() + "," + new String(padding) + "\"active\":true}").getBytes();
		// an InputStream body has no known length, so it is sent chunked
		expectOutcome(fhir().body(new ByteArrayInputStream(body)).post("/Patient").then(), 413);
		fhir().get("/Patient?_tag=" + tagQuery()).then().statusCode(200).body("total", equalTo(0));
	}

	@Test
	void invalidIdsAreRejected() {
		expectOutcome(fhir().get("/Patient/not$an$id").then(), 400);
		expectOutcome(fhir().get("/Patient/" + "a".repeat(65)).then(), 400);

		// a body id that differs from the URL's: refused, and neither id (nor the tagged body) is stored
		String urlId = "this-one-" + testTag;
		String bodyId = "other-" + testTag;
		expectOutcome(fhir().body("{\"resourceType\":\"Patient\",\"id\":\"" + bodyId + "\"," + metaWithTestTag() + "}")
				.put("/Patient/" + urlId).then(), 400)
				.body("issue[0].diagnostics", containsString("does not match"));
		expectOutcome(fhir().get("/Patient/" + urlId).then(), 404);
		expectOutcome(fhir().get("/Patient/" + bodyId).then(), 404);
		fhir().get("/Patient?_tag=" + tagQuery()).then().statusCode(200).body("total", equalTo(0));
	}

	@Test
	void unknownSearchParameterIsRejected() {
		expectOutcome(fhir().get("/Media?no-such-param=1").then(), 400);
	}

	@Test
	void failedTransactionWritesNothing() {
		String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
				+ "{\"fullUrl\":\"urn:uuid:11111111-1111-1111-1111-111111111111\","
				+ "\"resource\":{\"resourceType\":\"Patient\"," + metaWithTestTag() + "},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
				+ "{\"resource\":{\"resourceType\":\"Media\"," + metaWithTestTag() + ",\"status\":\"completed\","
				+ "\"subject\":{\"reference\":\"Patient/does-not-exist-" + testTag + "\"},"
				+ "\"content\":{\"contentType\":\"image/jpeg\",\"data\":\"AAEC\"}},"
				+ "\"request\":{\"method\":\"POST\",\"url\":\"Media\"}}]}";

		ValidatableResponse response = fhir().body(bundle).post("/").then();
		response.statusCode(org.hamcrest.Matchers.allOf(
				org.hamcrest.Matchers.greaterThanOrEqualTo(400), org.hamcrest.Matchers.lessThan(500)));
		response.body("resourceType", equalTo("OperationOutcome"));

		fhir().get("/Patient?_tag=" + tagQuery()).then().body("total", equalTo(0));
		fhir().get("/Media?_tag=" + tagQuery()).then().body("total", equalTo(0));
	}

	@Test
	void negativePagingNumbersAreRejected() {
		expectOutcome(fhir().get("/Media?_offset=-5").then(), 400)
				.body("issue[0].diagnostics", containsString("_offset"));
		expectOutcome(fhir().get("/Media?_count=-1").then(), 400);
		expectOutcome(fhir().get("?_getpages=x&_getpagesoffset=-5").then(), 400);
	}

	@Test
	void pagingThroughAFormPostIsRefused() {
		ValidatableResponse response = raw().accept(FHIR_JSON).contentType("application/x-www-form-urlencoded")
				.body("_getpages=" + testTag + "&_getpagesoffset=0").post("").then();
		expectOutcome(response, 400).body("issue[0].diagnostics", containsString("_getpages"));
	}

	@Test
	void invalidUtf8InAResourceIsRejected() {
		byte[] prefix = ("{\"resourceType\":\"Patient\"," + metaWithTestTag() + ",\"name\":[{\"text\":\"ab").getBytes(StandardCharsets.UTF_8);
		byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
		// 0xC3 starts a two-byte sequence that 0x28 cannot continue
		byte[] body = concat(prefix, new byte[] {(byte) 0xC3, 0x28}, suffix);
		expectOutcome(raw().accept(FHIR_JSON).contentType(FHIR_JSON + ";charset=UTF-8").body(body).post("/Patient").then(), 400)
				.body("issue[0].diagnostics", containsString("UTF-8"));
		fhir().get("/Patient?_tag=" + tagQuery()).then().statusCode(200).body("total", equalTo(0));
	}

	@Test
	void nulCharactersInAResourceAreRejected() {
		expectOutcome(fhir().body("{\"resourceType\":\"Patient\"," + metaWithTestTag()
				+ ",\"name\":[{\"text\":\"ab\\u0000cd\"}]}").post("/Patient").then(), 400)
				.body("issue[0].diagnostics", containsString("U+0000"));
		byte[] rawNul = concat(("{\"resourceType\":\"Patient\"," + metaWithTestTag() + ",\"name\":[{\"text\":\"ab")
				.getBytes(StandardCharsets.UTF_8), new byte[] {0}, "cd\"}]}".getBytes(StandardCharsets.UTF_8));
		expectOutcome(raw().accept(FHIR_JSON).contentType(FHIR_JSON).body(rawNul).post("/Patient").then(), 400);
		expectOutcome(fhir().contentType("application/fhir+xml").body("<Patient xmlns=\"http://hl7.org/fhir\">"
				+ "<meta><tag><system value=\"urn:dermconsent:test\"/><code value=\"" + testTag + "\"/></tag></meta>"
				+ "<name><text value=\"ab&#0;cd\"/></name></Patient>").post("/Patient").then(), 400);
		fhir().get("/Patient?_tag=" + tagQuery()).then().statusCode(200).body("total", equalTo(0));
	}

	@Test
	void binaryUploadsAreBytesNotText() {
		byte[] bytes = {(byte) 0xFF, (byte) 0xD8, 0, (byte) 0xC3, 0x28, 0, (byte) 0xFF, (byte) 0xD9};
		raw().contentType("application/octet-stream").body(bytes).post("/Binary").then().statusCode(201);
	}

	@Test
	void deeplyNestedConsentProvisionsAreRejectedBeforeProcessing() {
		for (int depth : new int[] {200, 130, ResourceStructureGuard.MAX_PROVISION_DEPTH + 1}) {
			expectOutcome(fhir().body(DermJson.consent(testTag, "Patient/nobody-" + testTag, "active",
					List.of(nestedProvisions(depth - 1)))).post("/Consent").then(), 422)
					.body("issue[0].diagnostics", containsString("nested"));
		}
		fhir().get("/Consent?_tag=" + tagQuery()).then().statusCode(200).body("total", equalTo(0));
	}

	@Test
	void containerLevelErrorsAreOperationOutcomes() {
		ValidatableResponse dotDot = raw().urlEncodingEnabled(false).accept(FHIR_JSON).get("/%2e%2e/Patient").then();
		expectOutcome(dotDot, 400);
		ValidatableResponse crlf = raw().urlEncodingEnabled(false).accept(FHIR_JSON).get("/Patient/a%0d%0ab").then();
		expectOutcome(crlf, 400);
		ValidatableResponse hugeHeader = raw().accept(FHIR_JSON).header("X-Padding", "a".repeat(64 * 1024)).get("/Patient").then();
		expectOutcome(hugeHeader, 400);
		expectOutcome(server().get("/no-such-page").then(), 404);
	}

	@Test
	void imageDeclaringTooManyPixelsIsNotDecoded() {
		String patient = fhir().body("{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}").post("/Patient")
				.then().statusCode(201).extract().path("id");
		fhir().body(DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null)))).post("/Consent").then().statusCode(201);
		for (byte[] image : List.of(declaringSize(TestImages.jpeg(16, 16), 20000, 20000), pngDeclaring(20000, 20000))) {
			String contentType = image[0] == (byte) 0xFF ? "image/jpeg" : "image/png";
			String binary = fhir().body("{\"resourceType\":\"Binary\",\"contentType\":\"" + contentType + "\",\"data\":\""
					+ Base64.getEncoder().encodeToString(image) + "\"}").post("/Binary").then().statusCode(201).extract().path("id");
			String media = fhir().body(DermJson.media(testTag, "Patient/" + patient, "identifiable", "Binary/" + binary, "")
					.replace("image/jpeg", contentType)).post("/Media").then().statusCode(201).extract().path("id");
			String crop = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"crop\",\"valueString\":\"0,0,10,10\"},"
					+ "{\"name\":\"attestNonIdentifying\",\"valueBoolean\":true}]}";
			expectOutcome(fhir().body(crop).post("/Media/" + media + "/$deidentify").then(), 422)
					.body("issue[0].diagnostics", containsString("pixels"));
		}
	}

	/** {@code levels} provisions, each the only child of the one before. */
	private static String nestedProvisions(int levels) {
		String use = ",\"purpose\":[{\"system\":\"" + DermJson.IMAGE_USE + "\",\"code\":\"ai-training\"}]";
		StringBuilder json = new StringBuilder();
		for (int i = 0; i < levels; i++) {
			json.append("{\"type\":\"permit\"").append(use).append(i + 1 < levels ? ",\"provision\":[" : "");
		}
		for (int i = 0; i < levels; i++) {
			json.append(i == 0 ? "}" : "]}");
		}
		return json.toString();
	}

	/** The JPEG with its frame header (SOF0) claiming another size: the header lies, the data stays small. */
	private static byte[] declaringSize(byte[] jpeg, int width, int height) {
		byte[] copy = jpeg.clone();
		for (int i = 2; i + 8 < copy.length; i++) {
			if ((copy[i] & 0xFF) == 0xFF && (copy[i + 1] & 0xFF) == 0xC0) {
				copy[i + 5] = (byte) (height >> 8);
				copy[i + 6] = (byte) height;
				copy[i + 7] = (byte) (width >> 8);
				copy[i + 8] = (byte) width;
				return copy;
			}
		}
		throw new IllegalStateException("no SOF0 marker");
	}

	/** A PNG whose header (IHDR) declares the size; its one data chunk holds a few compressed zeros. */
	private static byte[] pngDeclaring(int width, int height) {
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
		ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
				.put((byte) 0).put((byte) 0).put((byte) 0);
		chunk(png, "IHDR", header.array());
		java.util.zip.Deflater deflater = new java.util.zip.Deflater();
		deflater.setInput(new byte[4096]);
		deflater.finish();
		byte[] compressed = new byte[4096];
		int length = deflater.deflate(compressed);
		chunk(png, "IDAT", Arrays.copyOf(compressed, length));
		chunk(png, "IEND", new byte[0]);
		return png.toByteArray();
	}

	private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
		byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
		CRC32 crc = new CRC32();
		crc.update(typeBytes);
		crc.update(data);
		png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
		png.writeBytes(typeBytes);
		png.writeBytes(data);
		png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static ValidatableResponse expectOutcome(ValidatableResponse response, int status) {
		return response.statusCode(status)
				.body("resourceType", equalTo("OperationOutcome"))
				.body("issue[0].severity", equalTo("error"));
	}
}
