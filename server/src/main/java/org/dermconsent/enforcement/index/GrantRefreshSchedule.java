package org.dermconsent.enforcement.index;

import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.List;

/**
 * When each patient's grant labels must next be rewritten because a consent period starts or ends.
 * A table of its own (one row per patient with a pending change), in the FHIR database so that every
 * server node sees the same schedule.
 */
public class GrantRefreshSchedule {

	private final JdbcTemplate jdbc;

	public GrantRefreshSchedule(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public void createTableIfMissing() {
		jdbc.execute("CREATE TABLE IF NOT EXISTS DC_GRANT_REFRESH ("
				+ "PATIENT_REF VARCHAR(200) NOT NULL PRIMARY KEY, DUE_AT_MILLIS BIGINT NOT NULL)");
		jdbc.execute("CREATE INDEX IF NOT EXISTS IDX_DC_GRANT_REFRESH_DUE ON DC_GRANT_REFRESH (DUE_AT_MILLIS)");
	}

	/** Records the next change of the patient's labels; null clears it. */
	public void set(String patientReference, Instant due) {
		if (due == null) {
			jdbc.update("DELETE FROM DC_GRANT_REFRESH WHERE PATIENT_REF = ?", patientReference);
		} else if (jdbc.update("UPDATE DC_GRANT_REFRESH SET DUE_AT_MILLIS = ? WHERE PATIENT_REF = ?",
				due.toEpochMilli(), patientReference) == 0) {
			jdbc.update("INSERT INTO DC_GRANT_REFRESH (PATIENT_REF, DUE_AT_MILLIS) VALUES (?, ?)",
					patientReference, due.toEpochMilli());
		}
	}

	/** Brings the patient's next change forward to {@code due} if none is recorded or it is later. */
	public void setNoLaterThan(String patientReference, Instant due) {
		List<Long> current = jdbc.queryForList(
				"SELECT DUE_AT_MILLIS FROM DC_GRANT_REFRESH WHERE PATIENT_REF = ?", Long.class, patientReference);
		if (current.isEmpty() || current.get(0) > due.toEpochMilli()) {
			set(patientReference, due);
		}
	}

	/** Patients whose labels are due for rewriting at {@code now}, oldest first. */
	public List<String> due(Instant now, int limit) {
		return jdbc.queryForList(
				"SELECT PATIENT_REF FROM DC_GRANT_REFRESH WHERE DUE_AT_MILLIS <= ? ORDER BY DUE_AT_MILLIS",
				String.class, now.toEpochMilli()).stream().limit(limit).toList();
	}
}
