package org.dermconsent.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The profiles module's example resources, as JSON text, for tests that send them over REST. */
public final class DermExamples {

	public static final Path ROOT = Path.of("..", "profiles", "src", "main", "fhir", "examples");

	private static final Pattern RESOURCE_TYPE = Pattern.compile("\"resourceType\"\\s*:\\s*\"(\\w+)\"");
	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

	private DermExamples() {}

	/** Valid examples, those that others refer to (Organization, Patient) first. */
	public static List<Path> valid() {
		return list(ROOT.resolve("valid")).stream()
				.sorted(Comparator.comparing((Path p) -> referencedFirst(p.getFileName().toString())).thenComparing(Path::toString))
				.toList();
	}

	/** Valid examples a client may store: the "as served" forms show how an image leaves, not how it is kept. */
	public static List<Path> storable() {
		return valid().stream().filter(p -> !p.getFileName().toString().endsWith("-as-served.json")).toList();
	}

	public static List<Path> invalid() {
		return list(ROOT.resolve("invalid"));
	}

	public static String read(Path file) {
		try {
			return Files.readString(file);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public static String read(String validFileName) {
		return read(ROOT.resolve("valid").resolve(validFileName));
	}

	public static String resourceType(String json) {
		return first(RESOURCE_TYPE, json);
	}

	public static String id(String json) {
		return first(ID, json);
	}

	/** The error an invalid example must produce: "location:" and "message:" lines of its sidecar file. */
	public static ExpectedError expectedError(Path invalidExample) {
		Path sidecar = invalidExample.resolveSibling(invalidExample.getFileName().toString().replace(".json", ".expected.txt"));
		String location = null;
		String message = null;
		for (String line : read(sidecar).lines().toList()) {
			if (line.startsWith("location:")) {
				location = line.substring("location:".length()).trim();
			} else if (line.startsWith("message:")) {
				message = line.substring("message:".length()).trim();
			}
		}
		return new ExpectedError(location, message);
	}

	public record ExpectedError(String location, String message) {}

	private static int referencedFirst(String fileName) {
		if (fileName.startsWith("Organization") || fileName.startsWith("Patient")) {
			return 0;
		}
		if (fileName.startsWith("QuestionnaireResponse")) {
			return 1; // before the consent it means (its source), after its patient
		}
		return fileName.contains("deidentified") ? 3 : 2;
	}

	private static String first(Pattern pattern, String json) {
		Matcher matcher = pattern.matcher(json);
		if (!matcher.find()) {
			throw new IllegalArgumentException("no " + pattern + " in example");
		}
		return matcher.group(1);
	}

	private static List<Path> list(Path directory) {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
