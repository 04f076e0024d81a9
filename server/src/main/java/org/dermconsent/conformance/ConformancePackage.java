package org.dermconsent.conformance;

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
			"CodeSystem", "ValueSet", "ConceptMap", "StructureDefinition", "SearchParameter");

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

	public String id() {
		return npm.name() + "#" + npm.version();
	}

	/** The JSON text of every conformance resource, grouped by type in load order. */
	public List<String> conformanceResources() {
		List<String> resources = new ArrayList<>();
		try {
			for (String type : RESOURCE_TYPES) {
				for (String file : npm.listResources(type)) {
					try (InputStream in = npm.loadResource(file)) {
						resources.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
					}
				}
			}
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read resources of FHIR package " + id(), e);
		}
		return resources;
	}
}
