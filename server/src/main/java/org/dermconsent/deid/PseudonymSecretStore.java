package org.dermconsent.deid;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The server secret behind patient pseudonyms, when none is configured: generated once and kept in
 * a table of its own in the FHIR database, so that pseudonyms stay stable across restarts and are the
 * same on every node sharing the database.
 */
public class PseudonymSecretStore {

	static final String NAME = "patient-pseudonym";

	private final JdbcTemplate jdbc;

	public PseudonymSecretStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public void createTableIfMissing() {
		jdbc.execute("CREATE TABLE IF NOT EXISTS DC_DEID_SECRET ("
				+ "SECRET_NAME VARCHAR(64) NOT NULL PRIMARY KEY, SECRET_VALUE VARCHAR(200) NOT NULL)");
	}

	/** The stored secret; the first caller on an empty table creates it (a concurrent node's wins). */
	public String loadOrCreate() {
		List<String> stored = read();
		if (!stored.isEmpty()) {
			return stored.get(0);
		}
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		try {
			jdbc.update("INSERT INTO DC_DEID_SECRET (SECRET_NAME, SECRET_VALUE) VALUES (?, ?)",
					NAME, Base64.getEncoder().encodeToString(random));
		} catch (DataIntegrityViolationException anotherNodeWasFirst) {
			// fall through and use the row that is there
		}
		return read().get(0);
	}

	private List<String> read() {
		return jdbc.queryForList("SELECT SECRET_VALUE FROM DC_DEID_SECRET WHERE SECRET_NAME = ?", String.class, NAME);
	}
}
