package org.dermconsent.support;

import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/** JSON of derm Media and Consent resources as clients send them, for REST tests. */
public final class DermJson {

	public static final String IDENTIFIABILITY = "https://dermconsent.org/fhir/CodeSystem/identifiability";
	public static final String IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use";
	public static final String DERIVED_FROM = "https://dermconsent.org/fhir/StructureDefinition/derived-from-media";
	public static final String GRANTED_USE = "https://dermconsent.org/fhir/CodeSystem/granted-use";

	private DermJson() {}

	/** A Bundle of {@code type} ("transaction", "batch") with the given entries. */
	public static String bundle(String type, String... entries) {
		return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[" + String.join(",", entries) + "]}";
	}

	public static String transaction(String... entries) {
		return bundle("transaction", entries);
	}

	/** A bundle entry that sends {@code resource} with {@code method} to {@code url}. */
	public static String entry(String method, String url, String resource) {
		return "{\"resource\":" + resource + ",\"request\":{\"method\":\"" + method + "\",\"url\":\"" + url + "\"}}";
	}

	/** A photo of the patient with inline bytes (url null) or bytes in a Binary (url "Binary/1"). */
	public static String media(String testTag, String patient, String identifiability, String url, String extraFields) {
		String content = url == null ? "\"data\":\"" + Base64.getEncoder().encodeToString(TestImages.jpeg(4, 4)) + "\""
				: "\"url\":\"" + url + "\"";
		return "{\"resourceType\":\"Media\",\"meta\":{\"tag\":[{\"system\":\"urn:dermconsent:test\",\"code\":\"" + testTag
				+ "\"}],\"security\":[{\"system\":\"" + IDENTIFIABILITY + "\",\"code\":\"" + identifiability + "\"}]}"
				+ extraFields + ",\"status\":\"completed\",\"subject\":{\"reference\":\"" + patient + "\"},"
				+ "\"content\":{\"contentType\":\"image/jpeg\"," + content + "}}";
	}

	/** The resource {@code json} (a JSON object written by this class or a test) with the given id, for an update. */
	public static String withId(String json, String id) {
		return json.replaceFirst("\\{\"resourceType\":\"(\\w+)\",", "{\"resourceType\":\"$1\",\"id\":\"" + id + "\",");
	}

	public static String derivedFrom(String sourceMedia) {
		return ",\"extension\":[{\"url\":\"" + DERIVED_FROM + "\",\"valueReference\":{\"reference\":\"" + sourceMedia + "\"}}]";
	}

	/** A derm image consent; {@code provisions} are the permits (and denies) nested in the root deny. */
	public static String consent(String testTag, String patient, String status, List<String> provisions) {
		return "{\"resourceType\":\"Consent\",\"meta\":{\"tag\":[{\"system\":\"urn:dermconsent:test\",\"code\":\"" + testTag
				+ "\"}]},\"status\":\"" + status + "\","
				+ "\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},"
				+ "\"category\":[{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}]},"
				+ "{\"coding\":[{\"system\":\"https://dermconsent.org/fhir/CodeSystem/consent-category\",\"code\":\"derm-image-use\"}]}],"
				+ "\"patient\":{\"reference\":\"" + patient + "\"},\"dateTime\":\"2026-01-15T10:00:00Z\","
				+ "\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTIN\"}]},"
				+ "\"provision\":{\"type\":\"deny\"" + (provisions.isEmpty() ? "" : ",\"provision\":["
				+ String.join(",", provisions) + "]") + "}}";
	}

	/** A permit for one use, optionally for one identifiability only, optionally with a period (ISO instants or null). */
	public static String permit(String use, String identifiability, String periodStart, String periodEnd) {
		return provision("permit", use, identifiability, periodStart, periodEnd);
	}

	public static String deny(String use) {
		return provision("deny", use, null, null, null);
	}

	private static String provision(String type, String use, String identifiability, String start, String end) {
		StringBuilder json = new StringBuilder("{\"type\":\"" + type + "\",\"purpose\":[{\"system\":\"" + IMAGE_USE
				+ "\",\"code\":\"" + use + "\"}]");
		if (identifiability != null) {
			json.append(",\"securityLabel\":[{\"system\":\"").append(IDENTIFIABILITY).append("\",\"code\":\"")
					.append(identifiability).append("\"}]");
		}
		if (start != null || end != null) {
			json.append(",\"period\":{").append(List.of(
					start == null ? "" : "\"start\":\"" + start + "\"",
					end == null ? "" : "\"end\":\"" + end + "\"").stream().filter(s -> !s.isEmpty())
					.collect(Collectors.joining(","))).append("}");
		}
		return json.append("}").toString();
	}
}
