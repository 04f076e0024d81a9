package org.dermconsent.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.utilities.npm.NpmPackage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * DermConsent's own FHIR package (profiles, extensions, search parameters, terminology), built by
 * the profiles module and shipped inside the server jar: nothing is fetched from a registry.
 */
public final class ConformancePackage {

	public static final String CLASSPATH_LOCATION = "dermconsent/package/dermconsent.fhir-0.1.0.tgz";

	/** Conformance resources, in an order where what a resource refers to is loaded before it. */
	static final List<String> RESOURCE_TYPES = List.of(
			"CodeSystem", "ValueSet", "ConceptMap", "NamingSystem", "StructureDefinition", "SearchParameter",
			"OperationDefinition", "Questionnaire");

	private static final ObjectMapper JSON = new ObjectMapper();

	private final NpmPackage npm;

	private ConformancePackage(NpmPackage npm) {
		this.npm = npm;
	}

	public static ConformancePackage fromClasspath() {
		try (InputStream in = ConformancePackage.class.getClassLoader().getResourceAsStream(CLASSPATH_LOCATION)) {
			if (in == null) {
				throw new IllegalStateException("FHIR package " + CLASSPATH_LOCATION + " is missing from the classpath");
			}
			return new ConformancePackage(NpmPackage.fromPackage(in));
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read FHIR package " + CLASSPATH_LOCATION, e);
		}
	}

	private static boolean isFragmentOfAnotherCodeSystem(String json) throws IOException {
		JsonNode resource = JSON.readTree(json);
		return "CodeSystem".equals(resource.path("resourceType").asText())
				&& "fragment".equals(resource.path("content").asText())
				&& !resource.path("url").asText().startsWith("https://dermconsent.org/fhir/");
	}

	public String id() {
		return npm.name() + "#" + npm.version();
	}

	/**
	 * The JSON text of every conformance resource, grouped by type in load order, except the
	 * fragments of other publishers' code systems. Those are for validators outside the server that
	 * only have R4 core's older copies; the server has its own complete copies (NewerThanR4CoreCodes),
	 * and a fragment stored under HL7's url would answer {@code CodeSystem?url=} with four codes.
	 */
	public List<String> conformanceResources() {
		List<String> resources = new ArrayList<>();
		try {
			for (String type : RESOURCE_TYPES) {
				for (String file : npm.listResources(type)) {
					try (InputStream in = npm.loadResource(file)) {
						String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
						if (!isFragmentOfAnotherCodeSystem(json)) {
							resources.add(json);
						}
					}
				}
			}
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read resources of FHIR package " + id(), e);
		}
		return resources;
	}
}
