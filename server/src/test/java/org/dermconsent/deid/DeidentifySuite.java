package org.dermconsent.deid;

import org.dermconsent.deid.image.JpegStructure;
import org.dermconsent.deid.image.PngStructure;
import org.dermconsent.deid.image.TestImages;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.ExifThumbnailDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.exif.makernotes.CanonMakernoteDirectory;
import com.drew.metadata.iptc.IptcDirectory;
import com.drew.metadata.jpeg.JpegCommentDirectory;
import com.drew.metadata.photoshop.PhotoshopDirectory;
import com.drew.metadata.png.PngDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.BulkExportRun;
import org.dermconsent.support.DermExamples;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.vocabulary.DermProfiles;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import org.springframework.jdbc.core.JdbcTemplate;

import javax.imageio.ImageIO;
import javax.sql.DataSource;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.deid.image.TestImages.*;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * {@code Media/{id}/$deidentify} over REST, with real JPEG and PNG files full of identifying metadata,
 * checked by an independent reader (metadata-extractor) and by the consent rules that then apply.
 * Runs on H2 ({@link H2DeidentifyTest}) and PostgreSQL ({@link PostgresDeidentifyTest}).
 */
abstract class DeidentifySuite extends FhirApi {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final String SNOMED = "http://snomed.info/sct";
	private static final String FOREARM = "14975008";
	private static final String FACE = "89545001";
	private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
	private static final String COMMENT = "Patient: " + PATIENT_NAME + ", DOB 1970-01-01, MRN 0012345";

	@Autowired
	IInterceptorService interceptors;

	@Autowired
	DataSource dataSource;

	@Autowired
	IJobMaintenanceService jobMaintenance;

	private String patient;

	@BeforeEach
	void patientAllowingDeidentifiedAiTrainingOnly() {
		patient = newPatient();
		create("Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
	}

	// ------------------------------------------------------------------ lossless stripping

	@Test
	void jpegDerivativeHasNoIdentifyingMetadataAndTheSameEntropyCodedData() throws Exception {
		byte[] source = loadedJpeg();
		Metadata before = metadata(source);
		assertThat(before.getFirstDirectoryOfType(GpsDirectory.class)).isNotNull();
		assertThat(before.getFirstDirectoryOfType(ExifSubIFDDirectory.class).getString(0xA431)).isEqualTo(BODY_SERIAL);

		String sourceBinary = createBinary(source, "image/jpeg");
		Media photo = photo(FOREARM);
		photo.getContent().setContentType("image/jpeg").setUrl("Binary/" + sourceBinary);
		String sourceId = create(photo);

		Response created = deidentify(sourceId, new Parameters());
		created.then().statusCode(201)
				.header("Location", containsString("/Media/"))
				.body("resourceType", equalTo("Media"))
				.body("meta.security.code", hasItem("deidentified"))
				.body("meta.security.code", hasItem("PSEUDED"))
				.body("extension.find { it.url == '" + DermJson.DERIVED_FROM + "' }.valueReference.reference",
						equalTo("Media/" + sourceId))
				.body("subject.reference", equalTo("Patient/" + patient))
				.body("createdDateTime", equalTo("2025"))
				.body("width", equalTo(96)).body("height", equalTo(64))
				.body("meta.security.system", not(hasItem(DermJson.GRANTED_USE)));
		JsonPath derivative = created.jsonPath();
		String derivativeId = derivative.getString("id");
		assertThat(created.header("Location")).endsWith("/Media/" + derivativeId + "/_history/1");
		assertThat(derivative.getList("identifier")).isNull();
		assertThat(derivative.getList("note")).isNull();
		assertThat(derivative.getString("deviceName")).isNull();
		assertThat(created.asString()).doesNotContain(PATIENT_NAME).doesNotContain("SN-0042").doesNotContain("left forearm");

		String derivativeBinary = derivative.getString("content.url");
		assertThat(derivativeBinary).startsWith("Binary/").isNotEqualTo("Binary/" + sourceBinary);
		fhir().get("/" + derivativeBinary).then().statusCode(200)
				.body("securityContext.reference", equalTo("Media/" + derivativeId));
		byte[] bytes = bytesOf(derivativeBinary);

		Metadata after = metadata(bytes);
		// the orientation alone is kept (the photograph would otherwise show rotated)
		ExifIFD0Directory ifd0 = after.getFirstDirectoryOfType(ExifIFD0Directory.class);
		assertThat(ifd0.getTagCount()).isEqualTo(1);
		assertThat(ifd0.getInteger(ExifIFD0Directory.TAG_ORIENTATION)).isEqualTo(EXIF_ORIENTATION);
		for (Class<? extends Directory> identifying : List.of(ExifSubIFDDirectory.class,
				GpsDirectory.class, ExifThumbnailDirectory.class, CanonMakernoteDirectory.class, XmpDirectory.class,
				IptcDirectory.class, PhotoshopDirectory.class, JpegCommentDirectory.class)) {
			assertThat(after.getDirectoriesOfType(identifying)).as(identifying.getSimpleName()).isEmpty();
		}
		for (String text : List.of(PATIENT_NAME, PHOTOGRAPHER, BODY_SERIAL, "2023:05:14", "MRN 0012345", "Paris",
				"vendor private")) {
			assertThat(contains(bytes, text)).as(text).isFalse();
		}
		assertThat(JpegStructure.scanData(bytes)).isEqualTo(JpegStructure.scanData(source));
		int sourceSof = JpegStructure.firstSofOffset(source);
		int sof = JpegStructure.firstSofOffset(bytes);
		assertThat(Arrays.copyOfRange(bytes, sof, bytes.length))
				.isEqualTo(Arrays.copyOfRange(source, sourceSof, JpegStructure.eoiEnd(source)));

		Provenance provenance = provenanceOf(derivativeId);
		assertThat(provenance.getEntityFirstRep().getRole()).isEqualTo(Provenance.ProvenanceEntityRole.SOURCE);
		assertThat(provenance.getEntity()).extracting(e -> e.getWhat().getReference())
				.contains("Media/" + sourceId, "Binary/" + sourceBinary);
		assertThat(provenance.getTarget()).extracting(Reference::getReference)
				.contains("Media/" + derivativeId, derivativeBinary);
		assertThat(methodCodes(provenance)).contains("113100", "113105", "113107").doesNotContain("113101");
		assertThat(provenance.getAgent()).isNotEmpty();
		assertThat(provenance.getActivity().getCodingFirstRep().getCode()).isEqualTo("DEID");
		assertThat(provenance.getReason()).singleElement().extracting(r -> r.getCodingFirstRep().getCode())
				.isEqualTo("TREAT"); // the request's purpose, clinical-care
	}

	@Test
	void pngDerivativeDropsTextTimeAndExifChunksAndKeepsIdat() {
		byte[] base = png(noisyImage(40, 30, 9));
		byte[] source = insertAfterIhdr(base, gamaChunk(), textChunk("Author", PHOTOGRAPHER),
				ztxtChunk("Comment", COMMENT), itxtXmpChunk(xmpPacket(null)), timeChunk(), exifChunk(6));
		source = insertBeforeIend(source, textChunk("Description", "Patient " + PATIENT_NAME));
		Metadata before = metadata(source);
		assertThat(before.getDirectoriesOfType(PngDirectory.class).stream()
				.anyMatch(d -> d.toString().contains("tEXt") || d.getName().contains("tEXt"))).isTrue();

		Media photo = photo(FOREARM);
		photo.getContent().setContentType("image/png").setData(source);
		String sourceId = create(photo);

		JsonPath derivative = deidentify(sourceId, new Parameters()).then().statusCode(201)
				.body("content.contentType", equalTo("image/png")).extract().jsonPath();
		byte[] bytes = bytesOf(derivative.getString("content.url"));

		assertThat(PngStructure.types(bytes)).containsExactly("IHDR", "gAMA", "eXIf", "IDAT", "IEND");
		assertThat(PngStructure.idatData(bytes)).isEqualTo(PngStructure.idatData(source));
		for (String text : List.of(PATIENT_NAME, PHOTOGRAPHER, "MRN")) {
			assertThat(contains(bytes, text)).as(text).isFalse();
		}
		Metadata after = metadata(bytes);
		assertThat(after.getDirectoriesOfType(XmpDirectory.class)).isEmpty();
		assertThat(after.getFirstDirectoryOfType(ExifIFD0Directory.class).getTagCount()).isEqualTo(1); // orientation 6
		assertThat(after.getDirectoriesOfType(PngDirectory.class)).allSatisfy(d ->
				assertThat(d.getName()).doesNotContain("tEXt").doesNotContain("zTXt").doesNotContain("iTXt")
						.doesNotContain("tIME"));
	}

	// ------------------------------------------------------------------ consent consequence

	@Test
	void derivativeIsServedForDeidentifiedAiTrainingWithAPseudonymWhileTheSourceIsNot() {
		String sourceBinary = createBinary(withExif(jpeg(noisyImage(32, 32, 2), false, 0)), "image/jpeg");
		Media photo = photo(FOREARM);
		photo.getContent().setContentType("image/jpeg").setUrl("Binary/" + sourceBinary);
		String sourceId = create(photo);
		JsonPath derivative = deidentify(sourceId, new Parameters()).then().statusCode(201).extract().jsonPath();
		String derivativeId = derivative.getString("id");
		String derivativeBinary = derivative.getString("content.url");

		aiTraining().get("/Media/" + sourceId).then().statusCode(403);
		raw().header("X-Purpose-Of-Use", "ai-training").accept("image/jpeg").get("/Binary/" + sourceBinary)
				.then().statusCode(403);

		JsonPath served = aiTraining().get("/Media/" + derivativeId).then().statusCode(200).extract().jsonPath();
		assertThat(served.getString("subject.reference")).isNull();
		assertThat(served.getString("subject.display")).isNull();
		assertThat(served.getString("subject.identifier.system")).isEqualTo(Pseudonyms.PATIENT_SYSTEM);
		String pseudonym = served.getString("subject.identifier.value");
		assertThat(pseudonym).matches("[0-9a-f]{32}").doesNotContain(patient);
		assertThat(aiTraining().get("/Media/" + derivativeId).asString()).doesNotContain("Patient/" + patient);

		byte[] servedBytes = raw().header("X-Purpose-Of-Use", "ai-training").accept("image/jpeg")
				.get("/" + derivativeBinary).then().statusCode(200).extract().asByteArray();
		assertThat(servedBytes).isEqualTo(bytesOf(derivativeBinary));

		// the same pseudonym in search results, and for every derivative of the same patient
		aiTraining().get("/Media?_id=" + derivativeId).then().statusCode(200)
				.body("entry[0].resource.subject.identifier.value", equalTo(pseudonym))
				.body("entry[0].resource.subject.reference", equalTo(null));
		Media second = photo(FOREARM);
		second.getContent().setContentType("image/jpeg").setData(jpeg(noisyImage(16, 16, 4), false, 0));
		String secondDerivative = deidentify(create(second), new Parameters()).then().statusCode(201)
				.extract().path("id");
		aiTraining().get("/Media/" + secondDerivative).then().statusCode(200)
				.body("subject.identifier.value", equalTo(pseudonym));

		// clinical care sees the real patient
		fhir().get("/Media/" + derivativeId).then().statusCode(200)
				.body("subject.reference", equalTo("Patient/" + patient));
	}

	/**
	 * A derivative of a derm-media claims derm-media too, and what is served for a secondary use (the
	 * patient replaced by a pseudonym) must still validate against it: on read and in search pages.
	 */
	@Test
	void servedDerivativeValidatesAgainstTheProfileItClaims() {
		String source = DermExamples.read("Media-derm-dermoscopic.json")
				.replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\"\\s*,", "")
				.replace("\"Patient/derm-example\"", "\"Patient/" + patient + "\"")
				.replaceFirst("\"meta\"\\s*:\\s*\\{", "\"meta\":{\"tag\":[{\"system\":\"urn:dermconsent:test\",\"code\":\"" + testTag + "\"}],");
		String derivativeId = deidentify(create("Media", source), new Parameters()).then().statusCode(201).extract().path("id");

		String served = aiTraining().get("/Media/" + derivativeId).then().statusCode(200)
				.body("meta.profile", hasItem(DermProfiles.DERM_MEDIA))
				.body("subject.reference", equalTo(null))
				.body("subject.identifier.system", equalTo(Pseudonyms.PATIENT_SYSTEM))
				.extract().asString();
		assertValidDermMedia(served);

		String page = aiTraining().get("/Media?_id=" + derivativeId).then().statusCode(200)
				.body("entry[0].resource.subject.reference", equalTo(null)).extract().asString();
		org.hl7.fhir.r4.model.Bundle searchPage = (org.hl7.fhir.r4.model.Bundle) FHIR.newJsonParser().parseResource(page);
		assertValidDermMedia(FHIR.newJsonParser().encodeResourceToString(searchPage.getEntryFirstRep().getResource()));
	}

	private void assertValidDermMedia(String media) {
		fhir().body(media).post("/Media/$validate?profile=" + DermProfiles.DERM_MEDIA).then().statusCode(200)
				.body("issue.findAll { it.severity == 'error' }.diagnostics", org.hamcrest.Matchers.empty());
	}

	@Test
	void anotherPatientGetsAnotherPseudonymAndAnonymizedDerivativesLinkNothing() {
		Media mine = photo(FOREARM);
		mine.getContent().setContentType("image/jpeg").setData(jpeg(noisyImage(16, 16, 5), false, 0));
		String minePseudonym = deidentifiedSubject(deidentify(create(mine), new Parameters()));

		String other = newPatient();
		create("Consent", DermJson.consent(testTag, "Patient/" + other, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		Media theirs = photo(FOREARM);
		theirs.setSubject(new Reference("Patient/" + other));
		theirs.getContent().setContentType("image/jpeg").setData(jpeg(noisyImage(16, 16, 6), false, 0));
		String theirsId = create(theirs);
		assertThat(deidentifiedSubject(deidentify(theirsId, new Parameters()))).isNotEqualTo(minePseudonym);

		Parameters anonymized = new Parameters();
		anonymized.addParameter().setName("pseudonymize").setValue(new BooleanType(false));
		String anonymousId = deidentify(theirsId, anonymized).then().statusCode(201)
				.body("meta.security.code", hasItem("ANONYED")).extract().path("id");
		aiTraining().get("/Media/" + anonymousId).then().statusCode(200)
				.body("subject.identifier.system", equalTo(Pseudonyms.IMAGE_SYSTEM))
				.body("subject.reference", equalTo(null));
	}

	@Test
	void bulkExportForAiTrainingCarriesThePseudonymToo() throws InterruptedException {
		Media photo = photo(FOREARM);
		photo.getContent().setContentType("image/jpeg").setData(jpeg(noisyImage(16, 16, 9), false, 0));
		String derivativeId = deidentify(create(photo), new Parameters()).then().statusCode(201).extract().path("id");

		String status = aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media")
				.queryParam("_typeFilter", "Media?_id=" + derivativeId)
				.get("/$export").then().statusCode(202).extract().header("Content-Location");
		StringBuilder exported = new StringBuilder();
		for (String url : BulkExportRun.outputUrls(jobMaintenance, this::aiTraining, status)) {
			exported.append(aiTraining().accept("application/fhir+ndjson").get(url).then().statusCode(200).extract().asString());
		}
		assertThat(exported.toString()).contains("\"id\":\"" + derivativeId + "\"")
				.contains(Pseudonyms.PATIENT_SYSTEM).doesNotContain("Patient/" + patient);
	}

	/** The export file's copy of a derivative of a derm-media validates against the profile it claims. */
	@Test
	void exportedDerivativeValidatesAgainstTheProfileItClaims() throws InterruptedException {
		String source = DermExamples.read("Media-derm-dermoscopic.json")
				.replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\"\\s*,", "")
				.replace("\"Patient/derm-example\"", "\"Patient/" + patient + "\"");
		String derivativeId = deidentify(create("Media", source), new Parameters()).then().statusCode(201).extract().path("id");

		String status = aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media")
				.queryParam("_typeFilter", "Media?_id=" + derivativeId)
				.get("/$export").then().statusCode(202).extract().header("Content-Location");
		List<String> exported = new java.util.ArrayList<>();
		for (String url : BulkExportRun.outputUrls(jobMaintenance, this::aiTraining, status)) {
			exported.addAll(aiTraining().accept("application/fhir+ndjson").get(url).then().statusCode(200).extract().asString()
					.lines().filter(line -> line.contains("\"id\":\"" + derivativeId + "\"")).toList());
		}
		assertThat(exported).singleElement().satisfies(media -> {
			assertThat(media).contains(DermProfiles.DERM_MEDIA).contains(Pseudonyms.PATIENT_SYSTEM).doesNotContain("Patient/" + patient);
			assertValidDermMedia(media);
		});
	}

	@Test
	void pseudonymsComeFromTheSecretKeptInTheDatabaseSoTheySurviveARestart() {
		Media photo = photo(FOREARM);
		photo.getContent().setContentType("image/jpeg").setData(jpeg(noisyImage(16, 16, 8), false, 0));
		String served = deidentifiedSubject(deidentify(create(photo), new Parameters()));

		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM DC_DEID_SECRET", Integer.class)).isEqualTo(1);
		PseudonymSecretStore store = new PseudonymSecretStore(jdbc);
		String secret = store.loadOrCreate();
		assertThat(store.loadOrCreate()).isEqualTo(secret);
		// a restarted server reads the same secret and so computes the same pseudonym
		assertThat(new Pseudonyms(secret).ofPatient("Patient/" + patient)).isEqualTo(served);
	}

	@Test
	void requesterWhoMayNotSeeTheSourceCannotDeidentifyIt() {
		Media photo = photo(FOREARM);
		photo.getContent().setContentType("image/jpeg").setData(jpeg(noisyImage(16, 16, 7), false, 0));
		String sourceId = create(photo);
		aiTraining().body(json(new Parameters())).post("/Media/" + sourceId + "/$deidentify").then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"));
	}

	// ------------------------------------------------------------------ identifiability rules

	@Test
	void faceImageIsRefusedWithoutACropAndAcceptedWithAnAttestedCrop() {
		byte[] source = withExif(jpeg(noisyImage(120, 80, 8), false, 0)); // EXIF orientation 6: shown as 80x120
		Media face = photo(FACE);
		face.getContent().setContentType("image/jpeg").setData(source);
		String faceId = create(face);

		int binariesBefore = count("Binary");
		deidentify(faceId, new Parameters()).then().statusCode(422)
				.body("resourceType", equalTo("OperationOutcome"))
				.body("issue[0].diagnostics", containsString("Face structure"))
				.body("issue[0].diagnostics", containsString("crop"));
		deidentify(faceId, crop("10,20,40,50", false)).then().statusCode(422)
				.body("issue[0].diagnostics", containsString("attestNonIdentifying"));
		deidentify(faceId, crop("60,20,40,50", true)).then().statusCode(400)
				.body("issue[0].diagnostics", containsString("80x120"));
		deidentify(faceId, crop("10,20", true)).then().statusCode(400);
		assertThat(count("Binary")).isEqualTo(binariesBefore);

		JsonPath derivative = deidentify(faceId, crop("10,20,40,50", true)).then().statusCode(201)
				.body("width", equalTo(40)).body("height", equalTo(50)).extract().jsonPath();
		BufferedImage cropped = decode(bytesOf(derivative.getString("content.url")));
		assertThat(cropped.getWidth()).isEqualTo(40);
		assertThat(cropped.getHeight()).isEqualTo(50);

		Provenance provenance = provenanceOf(derivative.getString("id"));
		assertThat(methodCodes(provenance)).contains("113100", "113101", "113102");
		assertThat(methods(provenance)).filteredOn(r -> r.getCodingFirstRep().getCode().equals("113101"))
				.singleElement().extracting(CodeableConcept::getText).asString().contains("10,20,40,50");
		assertThat(provenance.getAgent()).extracting(a -> a.getType().getCodingFirstRep().getCode())
				.contains("attester");
	}

	@Test
	void imageFlaggedWithAnIdentifyingFeatureIsRefusedWithoutACrop() {
		Media tattoo = photo(FOREARM);
		tattoo.addExtension(Deidentifier.IDENTIFYING_FEATURES, new CodeableConcept(
				new Coding("https://dermconsent.org/fhir/CodeSystem/identifying-feature", "tattoo", "Tattoo")));
		tattoo.getContent().setContentType("image/png").setData(png(noisyImage(20, 20, 3)));
		String id = create(tattoo);
		deidentify(id, new Parameters()).then().statusCode(422)
				.body("issue[0].diagnostics", containsString("tattoo"));
		deidentify(id, crop("0,0,10,10", true)).then().statusCode(201).body("width", equalTo(10))
				.body("extension.url", not(hasItem(Deidentifier.IDENTIFYING_FEATURES)));
	}

	// ------------------------------------------------------------------ refusals and atomicity

	@Test
	void unsupportedAndCorruptImagesAre422AndWriteNothing() {
		byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0};
		byte[] heic = concat(new byte[] {0, 0, 0, 24}, latin1("ftypheic"), new byte[] {0, 0, 0, 0},
				latin1("mif1heic"));
		byte[] dicom = concat(new byte[128], latin1("DICM"), new byte[16]);
		byte[] gif = latin1("GIF89a\u0001\0\u0001\0\0\0\0;");
		byte[] jpeg = jpeg(noisyImage(16, 16, 1), false, 0);
		byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
		List<byte[]> bad = List.of(tiff, heic, dicom, gif, truncated);
		List<String> sources = bad.stream().map(bytes -> {
			Media m = photo(FOREARM);
			m.getContent().setContentType("image/jpeg").setUrl("Binary/" + createBinary(bytes, "image/jpeg"));
			return create(m);
		}).toList();

		int binaries = count("Binary");
		int media = count("Media");
		int provenances = count("Provenance");
		for (String source : sources) {
			deidentify(source, new Parameters()).then().statusCode(422)
					.body("resourceType", equalTo("OperationOutcome"))
					.body("issue[0].diagnostics", containsString("JPEG and PNG"));
		}
		assertThat(count("Binary")).isEqualTo(binaries);
		assertThat(count("Media")).isEqualTo(media);
		assertThat(count("Provenance")).isEqualTo(provenances);
	}

	@Test
	void nothingIsWrittenWhenAnyPartOfTheDerivativeCannotBeStored() {
		Media photo = photo(FOREARM);
		photo.getContent().setContentType("image/jpeg").setData(jpeg(noisyImage(16, 16, 2), false, 0));
		String sourceId = create(photo);
		int binaries = count("Binary");
		int media = count("Media");
		Object failProvenance = new FailingProvenanceWrite();
		interceptors.registerInterceptor(failProvenance);
		try {
			deidentify(sourceId, new Parameters()).then().statusCode(422);
		} finally {
			interceptors.unregisterInterceptor(failProvenance);
		}
		assertThat(count("Binary")).isEqualTo(binaries);
		assertThat(count("Media")).isEqualTo(media);
	}

	@Test
	void alreadyDeidentifiedSourceIsRefused() {
		Media photo = photo(FOREARM);
		photo.getContent().setContentType("image/jpeg").setData(jpeg(noisyImage(16, 16, 3), false, 0));
		String derivative = deidentify(create(photo), new Parameters()).then().statusCode(201).extract().path("id");
		deidentify(derivative, new Parameters()).then().statusCode(422)
				.body("issue[0].diagnostics", containsString("already de-identified"));
	}

	@Test
	void unknownImageIs404() {
		deidentify("does-not-exist-" + System.nanoTime(), new Parameters()).then().statusCode(404);
	}

	@Test
	void capabilityStatementListsTheOperation() {
		fhir().get("/metadata").then().statusCode(200)
				.body("rest[0].resource.find { it.type == 'Media' }.operation.name", hasItem("deidentify"));
	}

	/** A storage failure in the last entry of the transaction (Provenance) must roll back the first two. */
	@Interceptor
	static class FailingProvenanceWrite {
		@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
		public void refuse(IBaseResource resource) {
			if (resource instanceof Provenance) {
				throw new UnprocessableEntityException("test: Provenance cannot be stored");
			}
		}
	}

	// ------------------------------------------------------------------ helpers

	/** A JPEG with EXIF (GPS, dates, serials, maker note, thumbnail), XMP + extended XMP, IPTC, COM and a vendor APPn. */
	private static byte[] loadedJpeg() {
		byte[] j = jpeg(noisyImage(96, 64, 1), false, 2);
		j = withExif(j);
		j = withXmpAndExtendedXmp(j);
		j = withIptc(j);
		return insertBeforeFirstNonApp(j, comSegment(COMMENT), segment(0xE7, latin1("vendor private " + PATIENT_NAME)));
	}

	private Media photo(String bodySite) {
		Media m = new Media();
		m.getMeta().addTag("urn:dermconsent:test", testTag, null);
		m.getMeta().addSecurity(DermJson.IDENTIFIABILITY, "identifiable", null);
		m.setStatus(Media.MediaStatus.COMPLETED);
		m.addIdentifier().setSystem("urn:hospital:photo").setValue("PHOTO-" + PATIENT_NAME);
		m.setSubject(new Reference("Patient/" + patient));
		m.setCreated(new DateTimeType("2025-03-14T10:22:33Z"));
		m.setBodySite(new CodeableConcept(new Coding(SNOMED, bodySite, null)).setText(PATIENT_NAME + " left forearm"));
		m.setDeviceName("Canon EOS 5D " + BODY_SERIAL);
		m.addNote(new Annotation().setText("Seen with " + PATIENT_NAME));
		return m;
	}

	private String newPatient() {
		return create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag()
				+ ",\"name\":[{\"text\":\"" + PATIENT_NAME + "\"}]}");
	}

	private Parameters crop(String box, boolean attest) {
		Parameters p = new Parameters();
		p.addParameter().setName("crop").setValue(new StringType(box));
		p.addParameter().setName("attestNonIdentifying").setValue(new BooleanType(attest));
		return p;
	}

	private Response deidentify(String mediaId, Parameters parameters) {
		return fhir().body(json(parameters)).post("/Media/" + mediaId + "/$deidentify");
	}

	private String deidentifiedSubject(Response created) {
		String id = created.then().statusCode(201).extract().path("id");
		return aiTraining().get("/Media/" + id).then().statusCode(200).extract().path("subject.identifier.value");
	}

	private RequestSpecification aiTraining() {
		return fhir().header("X-Purpose-Of-Use", "ai-training");
	}

	private String create(Media media) {
		return create("Media", json(media));
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private String createBinary(byte[] data, String contentType) {
		return create("Binary", "{\"resourceType\":\"Binary\",\"contentType\":\"" + contentType + "\",\"data\":\""
				+ Base64.getEncoder().encodeToString(data) + "\"}");
	}

	private byte[] bytesOf(String binaryReference) {
		String data = fhir().get("/" + binaryReference).then().statusCode(200).extract().path("data");
		return Base64.getDecoder().decode(data);
	}

	private int count(String type) {
		return fhir().get("/" + type + "?_summary=count").then().statusCode(200).extract().path("total");
	}

	private Provenance provenanceOf(String derivativeId) {
		String bundle = fhir().get("/Provenance?target=Media/" + derivativeId).then().statusCode(200)
				.body("total", equalTo(1)).extract().asString();
		org.hl7.fhir.r4.model.Bundle parsed = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, bundle);
		return (Provenance) parsed.getEntryFirstRep().getResource();
	}

	/** The DICOM de-identification methods (CID 7050), in the package's extension, never in reason. */
	private static List<CodeableConcept> methods(Provenance provenance) {
		assertThat(provenance.getReason()).flatExtracting(CodeableConcept::getCoding).extracting(Coding::getSystem)
				.doesNotContain(DCM);
		return provenance.getExtensionsByUrl(Deidentifier.DEIDENTIFICATION_METHOD).stream()
				.map(e -> (CodeableConcept) e.getValue()).toList();
	}

	private static List<String> methodCodes(Provenance provenance) {
		return methods(provenance).stream().flatMap(r -> r.getCoding().stream())
				.filter(c -> DCM.equals(c.getSystem())).map(Coding::getCode).toList();
	}

	private static String json(IBaseResource resource) {
		return FHIR.newJsonParser().encodeResourceToString(resource);
	}

	private static Metadata metadata(byte[] image) {
		try {
			return com.drew.imaging.ImageMetadataReader.readMetadata(new ByteArrayInputStream(image), image.length);
		} catch (Exception e) {
			throw new IllegalStateException("metadata-extractor could not read the image", e);
		}
	}

	private static BufferedImage decode(byte[] image) {
		try {
			return ImageIO.read(new ByteArrayInputStream(image));
		} catch (java.io.IOException e) {
			throw new IllegalStateException(e);
		}
	}

}
