package org.dermconsent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's packages form layers: no package depends on itself through others, and the shared
 * vocabulary at the bottom depends on no other package of the server. Read from the sources' imports.
 */
class PackageDependenciesTest {

	private static final Path SOURCES = Path.of("src/main/java");
	private static final Pattern PACKAGE = Pattern.compile("^package (org\\.dermconsent[\\w.]*);", Pattern.MULTILINE);
	private static final Pattern IMPORT =
			Pattern.compile("^import (?:static )?(org\\.dermconsent(?:\\.[a-z]\\w*)*)\\.[A-Z]", Pattern.MULTILINE);

	@Test
	void noPackageDependsOnItselfThroughOthers() throws IOException {
		Map<String, Set<String>> dependencies = dependencies();
		List<String> cycles = new ArrayList<>();
		for (String start : dependencies.keySet()) {
			findCycle(start, start, dependencies, new ArrayList<>(List.of(start)), new HashSet<>())
					.ifPresent(cycle -> cycles.add(String.join(" -> ", cycle)));
		}
		assertThat(cycles).as("package cycles").isEmpty();
	}

	@Test
	void theVocabularyDependsOnNoOtherPackageOfTheServer() throws IOException {
		assertThat(dependencies().getOrDefault("org.dermconsent.vocabulary", Set.of()))
				.allMatch(target -> target.startsWith("org.dermconsent.consent") && !target.startsWith("org.dermconsent.consent.fhir"),
						"the consent core only");
	}

	private static java.util.Optional<List<String>> findCycle(String start, String at, Map<String, Set<String>> dependencies,
			List<String> path, Set<String> visited) {
		for (String next : dependencies.getOrDefault(at, Set.of())) {
			if (next.equals(start)) {
				List<String> cycle = new ArrayList<>(path);
				cycle.add(start);
				return java.util.Optional.of(cycle);
			}
			if (visited.add(next)) {
				path.add(next);
				java.util.Optional<List<String>> found = findCycle(start, next, dependencies, path, visited);
				if (found.isPresent()) {
					return found;
				}
				path.remove(path.size() - 1);
			}
		}
		return java.util.Optional.empty();
	}

	/** Each server package's imports of other server packages (the consent core's packages are their own module). */
	private static Map<String, Set<String>> dependencies() throws IOException {
		Map<String, Set<String>> dependencies = new TreeMap<>();
		try (Stream<Path> files = Files.walk(SOURCES)) {
			for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
				String source = Files.readString(file);
				Matcher declared = PACKAGE.matcher(source);
				if (!declared.find()) {
					continue;
				}
				String from = declared.group(1);
				Matcher imported = IMPORT.matcher(source);
				while (imported.find()) {
					String to = imported.group(1);
					if (!to.equals(from)) {
						dependencies.computeIfAbsent(from, key -> new TreeSet<>()).add(to);
					}
				}
			}
		}
		return dependencies;
	}
}
