package org.dermconsent.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * Remembers what the last complete install of a package left in the database, so that a restart over an
 * unchanged database does not store every conformance resource again (3 s of every start, measured).
 * The fingerprint covers the package's content and the version of each of its resources as stored
 * (deleted or not): a new release, a resource changed or deleted over REST, or an install cut short
 * all make the next start install again.
 */
class PackageInstallJournal {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final JdbcTemplate jdbc;

	PackageInstallJournal(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	void createTableIfMissing() {
		jdbc.execute("CREATE TABLE IF NOT EXISTS DC_CONFORMANCE_INSTALL (PACKAGE_ID VARCHAR(200) NOT NULL PRIMARY KEY,"
				+ " FINGERPRINT VARCHAR(64) NOT NULL)");
	}

	/** Whether the database holds exactly what the last recorded install of these resources left. */
	boolean isInstalled(String packageId, List<String> resourcesJson) {
		List<String> recorded = jdbc.queryForList("SELECT FINGERPRINT FROM DC_CONFORMANCE_INSTALL WHERE PACKAGE_ID = ?",
				String.class, packageId);
		return !recorded.isEmpty() && recorded.get(0).equals(fingerprint(resourcesJson));
	}

	/** Call once the install and everything that depends on it (terminology expansion) has completed. */
	void recordInstalled(String packageId, List<String> resourcesJson) {
		String fingerprint = fingerprint(resourcesJson);
		if (jdbc.update("UPDATE DC_CONFORMANCE_INSTALL SET FINGERPRINT = ? WHERE PACKAGE_ID = ?", fingerprint, packageId) == 0) {
			try {
				jdbc.update("INSERT INTO DC_CONFORMANCE_INSTALL (PACKAGE_ID, FINGERPRINT) VALUES (?, ?)", packageId, fingerprint);
			} catch (DataIntegrityViolationException recordedMeanwhile) {
				// another node finished the same install at the same moment
				jdbc.update("UPDATE DC_CONFORMANCE_INSTALL SET FINGERPRINT = ? WHERE PACKAGE_ID = ?", fingerprint, packageId);
			}
		}
	}

	private String fingerprint(List<String> resourcesJson) {
		MessageDigest digest = sha256();
		resourcesJson.forEach(json -> digest.update(json.getBytes(StandardCharsets.UTF_8)));
		storedVersions(resourcesJson).forEach(row -> digest.update(row.getBytes(StandardCharsets.UTF_8)));
		return HexFormat.of().formatHex(digest.digest());
	}

	/** {@code type/id/version/deleted} of each package resource as stored, in a stable order. */
	private TreeSet<String> storedVersions(List<String> resourcesJson) {
		TreeSet<String> rows = new TreeSet<>();
		List<String> ids = new ArrayList<>();
		TreeSet<String> wanted = new TreeSet<>();
		for (String json : resourcesJson) {
			JsonNode resource = parse(json);
			String type = resource.path("resourceType").asText();
			String id = resource.path("id").asText();
			ids.add(id);
			wanted.add(type + "/" + id);
		}
		if (ids.isEmpty()) {
			return rows;
		}
		String placeholders = String.join(",", ids.stream().map(id -> "?").toList());
		jdbc.query("SELECT RES_TYPE, FHIR_ID, RES_VER, RES_DELETED_AT FROM HFJ_RESOURCE WHERE FHIR_ID IN (" + placeholders + ")",
				row -> {
					String key = row.getString(1) + "/" + row.getString(2);
					if (wanted.contains(key)) {
						rows.add(key + "/" + row.getLong(3) + "/" + (row.getTimestamp(4) != null));
					}
				}, ids.toArray());
		return rows;
	}

	private static JsonNode parse(String json) {
		try {
			return JSON.readTree(json);
		} catch (com.fasterxml.jackson.core.JsonProcessingException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
