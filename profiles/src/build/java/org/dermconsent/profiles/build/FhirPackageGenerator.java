package org.dermconsent.profiles.build;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.NamingSystem;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Build-time tool that turns the DermConsent sources into what the server loads: StructureDefinitions
 * with snapshots, and a FHIR NPM package holding every conformance resource (profiles, extensions,
 * SearchParameters and the terminology module's CodeSystems, ValueSets and ConceptMap) plus the
 * valid examples.
 *
 * <p>Runs in the profiles module's process-classes phase (see its pom.xml), so the output lands in
 * target/classes and thus in the jar:
 *
 * <ul>
 *   <li>{@code dermconsent/package/<name>-<version>.tgz}: the NPM package
 *   <li>{@code dermconsent/profiles/StructureDefinition-*.json}: snapshot StructureDefinitions
 *   <li>{@code dermconsent/search-parameters/SearchParameter-*.json}
 * </ul>
 *
 * <p>Arguments: {@code --source=<src/main/fhir> --output=<target/classes> --name=<package name>
 * --version=<package version> [--timestamp=<ISO instant for tar entries>]}. The terminology
 * resources are read from the classpath under {@value #TERMINOLOGY_FOLDER}.
 */
public final class FhirPackageGenerator {

  static final String TERMINOLOGY_FOLDER = "dermconsent/terminology/";
  static final String PACKAGE_FOLDER = "dermconsent/package/";
  static final String PROFILES_FOLDER = "dermconsent/profiles/";
  static final String SEARCH_PARAMETERS_FOLDER = "dermconsent/search-parameters/";
  static final String CANONICAL_BASE = "https://dermconsent.org/fhir";

  private static final Set<String> CONFORMANCE_TYPES =
      Set.of("StructureDefinition", "SearchParameter", "CodeSystem", "ValueSet", "ConceptMap", "OperationDefinition",
          "NamingSystem");
  /** Canonical resources for apps rather than validators: the consent form patients fill in. */
  private static final Set<String> FORM_TYPES = Set.of("Questionnaire");

  private final FhirContext fhirContext = FhirContext.forR4();
  private final IParser strictParser =
      fhirContext.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
  private final IParser prettyPrinter = fhirContext.newJsonParser().setPrettyPrint(true);
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path sourceDirectory;
  private final Path outputDirectory;
  private final String packageName;
  private final String packageVersion;
  private final Date entryTime;
  private final List<String> snapshotProblems = new ArrayList<>();

  FhirPackageGenerator(Path sourceDirectory, Path outputDirectory, String packageName,
      String packageVersion, Instant entryTime) {
    this.sourceDirectory = sourceDirectory;
    this.outputDirectory = outputDirectory;
    this.packageName = packageName;
    this.packageVersion = packageVersion;
    this.entryTime = Date.from(entryTime);
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("Expected --key=value, got " + arg);
      }
      options.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    Instant timestamp = options.getOrDefault("timestamp", "").isBlank()
        ? Instant.parse("2026-01-01T00:00:00Z")
        : Instant.parse(options.get("timestamp"));
    Path packageFile = new FhirPackageGenerator(
        Path.of(required(options, "source")),
        Path.of(required(options, "output")),
        required(options, "name"),
        required(options, "version"),
        timestamp).generate();
    System.out.println("[dermconsent] wrote FHIR package " + packageFile);
  }

  /** Generates everything and returns the path of the package file. */
  Path generate() throws IOException {
    List<MetadataResource> terminology = loadTerminologyFromClasspath();
    List<MetadataResource> sources = loadDirectory(sourceDirectory).stream()
        .map(resource -> (MetadataResource) resource)
        .toList();
    List<Resource> examples = loadDirectory(sourceDirectory.resolve("examples").resolve("valid"));

    List<MetadataResource> conformance = new ArrayList<>(terminology);
    conformance.addAll(sources);
    checkConformanceResources(conformance);

    List<StructureDefinition> withSnapshots = generateSnapshots(
        sources.stream().filter(StructureDefinition.class::isInstance)
            .map(StructureDefinition.class::cast).toList(),
        terminology);
    Map<String, MetadataResource> byUrl = new LinkedHashMap<>();
    conformance.forEach(resource -> byUrl.put(canonical(resource), resource));
    withSnapshots.forEach(sd -> byUrl.put(sd.getUrl(), sd));

    writeClasspathCopies(byUrl.values());
    if (!snapshotProblems.isEmpty()) {
      // the snapshots are written first so that the problems can be inspected
      throw new IllegalStateException("Snapshot generation went wrong:\n  " + String.join("\n  ", snapshotProblems));
    }
    return writePackage(new ArrayList<>(byUrl.values()), examples);
  }

  // ---------------------------------------------------------------------------------------- input

  private List<MetadataResource> loadTerminologyFromClasspath() throws IOException {
    Map<String, String> filesByName = new TreeMap<>();
    ClassLoader classLoader = FhirPackageGenerator.class.getClassLoader();
    for (URL folder : Collections.list(classLoader.getResources(TERMINOLOGY_FOLDER))) {
      filesByName.putAll(readJsonFolder(folder));
    }
    if (filesByName.isEmpty()) {
      throw new IllegalStateException("No terminology resources on the classpath under "
          + TERMINOLOGY_FOLDER + " (is the terminology module a dependency?)");
    }
    List<MetadataResource> resources = new ArrayList<>();
    filesByName.forEach((name, content) -> resources.add(parse(name, content)));
    return resources;
  }

  /** Reads the *.json files of a classpath folder, whether it is a directory or inside a jar. */
  private static Map<String, String> readJsonFolder(URL folder) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if ("file".equals(folder.getProtocol())) {
      Path directory;
      try {
        directory = Path.of(folder.toURI());
      } catch (URISyntaxException e) {
        throw new IOException("Bad classpath folder " + folder, e);
      }
      try (Stream<Path> paths = Files.list(directory)) {
        for (Path path : paths.filter(p -> p.toString().endsWith(".json")).toList()) {
          files.put(path.getFileName().toString(), Files.readString(path, StandardCharsets.UTF_8));
        }
      }
    } else if ("jar".equals(folder.getProtocol())) {
      JarURLConnection connection = (JarURLConnection) folder.openConnection();
      connection.setUseCaches(false);
      try (JarFile jar = connection.getJarFile()) {
        String prefix = connection.getEntryName().endsWith("/")
            ? connection.getEntryName() : connection.getEntryName() + "/";
        for (JarEntry entry : Collections.list(jar.entries())) {
          String name = entry.getName();
          if (name.startsWith(prefix) && name.endsWith(".json")
              && name.indexOf('/', prefix.length()) < 0) {
            try (InputStream in = jar.getInputStream(entry)) {
              files.put(name.substring(prefix.length()), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
          }
        }
      }
    } else {
      throw new IOException("Cannot list classpath folder " + folder);
    }
    return files;
  }

  private List<Resource> loadDirectory(Path directory) throws IOException {
    try (Stream<Path> paths = Files.list(directory)) {
      List<Path> files = paths.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
      List<Resource> resources = new ArrayList<>();
      for (Path file : files) {
        resources.add(parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
      }
      return resources;
    }
  }

  @SuppressWarnings("unchecked")
  private <T extends Resource> T parse(String fileName, String content) {
    Resource resource = (Resource) strictParser.parseResource(content);
    String expectedName = resource.fhirType() + "-" + resource.getIdElement().getIdPart() + ".json";
    if (!expectedName.equals(fileName)) {
      throw new IllegalStateException(fileName + " holds " + expectedName + "; name files <type>-<id>.json");
    }
    return (T) resource;
  }

  private void checkConformanceResources(List<MetadataResource> resources) {
    Map<String, String> seenUrls = new HashMap<>();
    for (MetadataResource resource : resources) {
      String type = resource.fhirType();
      String id = resource.getIdElement().getIdPart();
      if (!CONFORMANCE_TYPES.contains(type) && !FORM_TYPES.contains(type)) {
        throw new IllegalStateException(type + "/" + id + " is not a conformance resource");
      }
      String expectedUrl = CANONICAL_BASE + "/" + type + "/" + id;
      if (resource instanceof NamingSystem namingSystem) {
        // R4 NamingSystems have no url or version: the identifier system they name is their key
        if (!expectedUrl.equals(canonical(namingSystem))) {
          throw new IllegalStateException(type + "/" + id + " names " + canonical(namingSystem) + ", expected "
              + expectedUrl + " as its preferred uri uniqueId");
        }
        if (seenUrls.put(expectedUrl, type + "/" + id) != null) {
          throw new IllegalStateException("Duplicate url " + expectedUrl);
        }
        continue;
      }
      boolean fragment = isFragmentOfAnotherCodeSystem(resource);
      if (fragment) {
        // the part of another publisher's code system that DermConsent uses, under that system's
        // url and version
      } else if (!expectedUrl.equals(resource.getUrl())) {
        throw new IllegalStateException(type + "/" + id + " has url " + resource.getUrl() + ", expected " + expectedUrl);
      }
      if (!fragment && !packageVersion.equals(resource.getVersion())) {
        throw new IllegalStateException(resource.getUrl() + " has version " + resource.getVersion()
            + ", the package is " + packageVersion);
      }
      String previous = seenUrls.put(resource.getUrl(), type + "/" + id);
      if (previous != null) {
        throw new IllegalStateException("Duplicate url " + resource.getUrl());
      }
    }
  }

  /**
   * A CodeSystem with content {@code fragment} under another publisher's url: the concepts of that
   * system which DermConsent uses and which the R4 core package's older copy lacks, so that a
   * validator loaded with R4 core and this package knows them (see the terminology README).
   */
  static boolean isFragmentOfAnotherCodeSystem(MetadataResource resource) {
    return resource instanceof CodeSystem cs
        && cs.getContent() == CodeSystem.CodeSystemContentMode.FRAGMENT
        && !cs.getUrl().startsWith(CANONICAL_BASE + "/");
  }

  // ------------------------------------------------------------------------------------ snapshots

  /**
   * Extensions first: the profiles' extension slices need the extensions' snapshots, and a fresh
   * chain for the second pass so that no cached snapshot-less copy is served.
   */
  private List<StructureDefinition> generateSnapshots(List<StructureDefinition> differentials,
      List<MetadataResource> terminology) {
    Map<String, StructureDefinition> done = new LinkedHashMap<>();
    List<StructureDefinition> extensions = differentials.stream()
        .filter(sd -> "Extension".equals(sd.getType())).toList();
    List<StructureDefinition> profiles = differentials.stream()
        .filter(sd -> !"Extension".equals(sd.getType())).toList();
    for (List<StructureDefinition> pass : List.of(extensions, profiles)) {
      ValidationSupportChain chain = newChain(terminology, differentials, done.values());
      ValidationSupportContext context = new ValidationSupportContext(chain);
      SnapshotGeneratingValidationSupport generator = new SnapshotGeneratingValidationSupport(fhirContext);
      for (StructureDefinition differential : pass) {
        StructureDefinition input = differential.copy();
        input.setSnapshot(null);
        StructureDefinition result = (StructureDefinition) generator.generateSnapshot(
            context, input, input.getUrl(), CANONICAL_BASE, input.getName());
        snapshotProblems.addAll(checkSnapshot(differential, result));
        done.put(result.getUrl(), result);
      }
    }
    return differentials.stream().map(sd -> done.get(sd.getUrl())).toList();
  }

  private ValidationSupportChain newChain(List<MetadataResource> terminology,
      List<StructureDefinition> differentials, Iterable<StructureDefinition> snapshots) {
    PrePopulatedValidationSupport dermConsent = new PrePopulatedValidationSupport(fhirContext);
    terminology.forEach(dermConsent::addResource);
    differentials.forEach(dermConsent::addResource);
    snapshots.forEach(dermConsent::addResource); // replaces the differential-only copy
    return new ValidationSupportChain(
        dermConsent,
        new DefaultProfileValidationSupport(fhirContext),
        new CommonCodeSystemsTerminologyService(fhirContext),
        new InMemoryTerminologyServerValidationSupport(fhirContext),
        new SnapshotGeneratingValidationSupport(fhirContext));
  }

  /**
   * HAPI's snapshot generator logs its problems instead of failing, so check the result: every
   * element of the differential must have arrived in the snapshot with its cardinality, binding and
   * constraints.
   */
  private static List<String> checkSnapshot(StructureDefinition differential, StructureDefinition result) {
    if (result == null || !result.hasSnapshot() || result.getSnapshot().getElement().isEmpty()) {
      return List.of(differential.getUrl() + ": no snapshot generated");
    }
    List<String> problems = new ArrayList<>();
    Map<String, ElementDefinition> snapshotById = result.getSnapshot().getElement().stream()
        .collect(Collectors.toMap(ElementDefinition::getId, e -> e, (a, b) -> a));
    List<String> snapshotOrder = result.getSnapshot().getElement().stream().map(ElementDefinition::getId).toList();
    int previousPosition = -1;
    for (ElementDefinition diff : differential.getDifferential().getElement()) {
      String where = differential.getUrl() + "#" + diff.getId() + ": ";
      ElementDefinition snap = snapshotById.get(diff.getId());
      if (snap == null) {
        problems.add(where + "missing from the snapshot");
        continue;
      }
      // An out-of-order differential element is silently ignored by the generator
      int position = snapshotOrder.indexOf(diff.getId());
      if (position < previousPosition) {
        problems.add(where + "out of order in the differential (the snapshot generator skips it)");
      }
      previousPosition = position;
      if (diff.hasShort() && !diff.getShort().equals(snap.getShort())) {
        problems.add(where + "short was not applied");
      }
      if (diff.getMustSupport() && !snap.getMustSupport()) {
        problems.add(where + "mustSupport was not applied");
      }
      if (diff.hasMin() && diff.getMin() != snap.getMin()) {
        problems.add(where + "min " + diff.getMin() + " became " + snap.getMin());
      }
      if (diff.hasMax() && !diff.getMax().equals(snap.getMax())) {
        problems.add(where + "max " + diff.getMax() + " became " + snap.getMax());
      }
      if (diff.hasBinding() && !diff.getBinding().getValueSet().equals(snap.getBinding().getValueSet())) {
        problems.add(where + "binding " + diff.getBinding().getValueSet() + " became " + snap.getBinding().getValueSet());
      }
      for (ElementDefinition.ElementDefinitionConstraintComponent constraint : diff.getConstraint()) {
        if (snap.getConstraint().stream().noneMatch(c -> c.getKey().equals(constraint.getKey()))) {
          problems.add(where + "constraint " + constraint.getKey() + " missing");
        }
      }
    }
    return problems;
  }

  // --------------------------------------------------------------------------------------- output

  private void writeClasspathCopies(Iterable<MetadataResource> resources) throws IOException {
    for (MetadataResource resource : resources) {
      String folder = switch (resource.fhirType()) {
        case "StructureDefinition" -> PROFILES_FOLDER;
        case "SearchParameter" -> SEARCH_PARAMETERS_FOLDER;
        default -> null; // terminology is already on the classpath from its own jar
      };
      if (folder != null) {
        Path file = outputDirectory.resolve(folder).resolve(fileName(resource));
        Files.createDirectories(file.getParent());
        Files.write(file, encode(resource));
      }
    }
  }

  private Path writePackage(List<MetadataResource> conformance, List<Resource> examples) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("package/package.json", packageManifest());
    List<Resource> sortedConformance = conformance.stream()
        .map(Resource.class::cast)
        .sorted((a, b) -> fileName(a).compareTo(fileName(b)))
        .toList();
    entries.put("package/.index.json", index(sortedConformance));
    for (Resource resource : sortedConformance) {
      entries.put("package/" + fileName(resource), encode(resource));
    }
    entries.put("package/example/.index.json", index(examples));
    for (Resource example : examples) {
      entries.put("package/example/" + fileName(example), encode(example));
    }

    Path packageFile = outputDirectory.resolve(PACKAGE_FOLDER)
        .resolve(packageName + "-" + packageVersion + ".tgz");
    Files.createDirectories(packageFile.getParent());
    try (OutputStream file = Files.newOutputStream(packageFile);
        GZIPOutputStream gzip = new GZIPOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        TarArchiveEntry tarEntry = new TarArchiveEntry(entry.getKey());
        tarEntry.setSize(entry.getValue().length);
        tarEntry.setModTime(entryTime); // reproducible builds
        tarEntry.setMode(0644);
        tar.putArchiveEntry(tarEntry);
        tar.write(entry.getValue());
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    return packageFile;
  }

  private byte[] packageManifest() throws IOException {
    ObjectNode manifest = json.createObjectNode();
    manifest.put("name", packageName);
    manifest.put("version", packageVersion);
    manifest.put("canonical", CANONICAL_BASE);
    manifest.put("url", CANONICAL_BASE);
    manifest.put("title", "DermConsent");
    manifest.put("description", "Profiles, extensions, terminology and search parameters of DermConsent, "
        + "a FHIR R4 server that enforces patients' consent for the use of their skin images.");
    manifest.put("type", "fhir.ig");
    manifest.put("author", "DermConsent");
    manifest.putArray("fhirVersions").add("4.0.1");
    manifest.putObject("dependencies").put("hl7.fhir.r4.core", "4.0.1");
    return json.writeValueAsBytes(manifest);
  }

  /** The NPM package folder index (index-version 2) that package loaders use to find resources. */
  private byte[] index(List<Resource> resources) throws IOException {
    ObjectNode index = json.createObjectNode();
    index.put("index-version", 2);
    ArrayNode files = index.putArray("files");
    for (Resource resource : resources) {
      ObjectNode file = files.addObject();
      file.put("filename", fileName(resource));
      file.put("resourceType", resource.fhirType());
      file.put("id", resource.getIdElement().getIdPart());
      if (resource instanceof NamingSystem namingSystem) {
        file.put("url", canonical(namingSystem));
      } else if (resource instanceof MetadataResource metadata) {
        file.put("url", metadata.getUrl());
        file.put("version", metadata.getVersion());
      }
      if (resource instanceof StructureDefinition sd) {
        file.put("kind", sd.getKind().toCode());
        file.put("type", sd.getType());
        file.put("derivation", sd.getDerivation().toCode());
      } else if (resource instanceof CodeSystem cs) {
        file.put("content", cs.getContent().toCode());
        file.put("valueSet", cs.getValueSet());
      } else if (resource instanceof ValueSet) {
        file.put("kind", "ValueSet");
      }
    }
    return json.writeValueAsBytes(index);
  }

  /**
   * The url of a canonical resource; for an R4 NamingSystem, which has none, the uri it names
   * (its preferred uri uniqueId).
   */
  static String canonical(MetadataResource resource) {
    if (resource instanceof NamingSystem namingSystem) {
      return namingSystem.getUniqueId().stream()
          .filter(u -> u.getType() == NamingSystem.NamingSystemIdentifierType.URI && u.getPreferred())
          .map(NamingSystem.NamingSystemUniqueIdComponent::getValue).findFirst()
          .orElseThrow(() -> new IllegalStateException("NamingSystem/" + resource.getIdElement().getIdPart()
              + " has no preferred uri uniqueId"));
    }
    return resource.getUrl();
  }

  private static String fileName(Resource resource) {
    return resource.fhirType() + "-" + resource.getIdElement().getIdPart() + ".json";
  }

  private byte[] encode(Resource resource) {
    return prettyPrinter.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
  }

  private static String required(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Missing --" + key + "=...");
    }
    return value;
  }
}
