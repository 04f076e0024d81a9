package org.dermconsent.withdrawal;

import org.dermconsent.enforcement.index.GrantLossListener;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.util.List;

/**
 * Images that lost a grant and whose recipients have not been told yet: a table in the FHIR
 * database, written in the transaction of the consent change (or relabel, or period end) by the grant
 * index, so a committed change always leads to its notices, even after a crash. Rows are deleted when
 * the notices they lead to are written. No key: two concurrent changes of one image each add a row
 * rather than one of them failing.
 */
public class GrantLossJournal implements GrantLossListener {

	/** One image that lost a grant at an instant. */
	public record Loss(String image, long lostAtMillis) {}

	private final JdbcTemplate jdbc;

	public GrantLossJournal(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public void createTablesIfMissing() {
		jdbc.execute("CREATE TABLE IF NOT EXISTS DC_GRANT_LOSS ("
				+ "IMAGE_REF VARCHAR(200) NOT NULL, LOST_AT_MILLIS BIGINT NOT NULL)");
		jdbc.execute("CREATE INDEX IF NOT EXISTS IDX_DC_GRANT_LOSS_AT ON DC_GRANT_LOSS (LOST_AT_MILLIS)");
		jdbc.execute("CREATE TABLE IF NOT EXISTS DC_WITHDRAWAL_NOTIFIED ("
				+ "CLIENT_ID VARCHAR(200) NOT NULL, IMAGE_REF VARCHAR(200) NOT NULL, NOTIFIED_AT_MILLIS BIGINT NOT NULL,"
				+ " PRIMARY KEY (CLIENT_ID, IMAGE_REF))");
	}

	@Override
	public void grantLost(String image) {
		jdbc.update("INSERT INTO DC_GRANT_LOSS (IMAGE_REF, LOST_AT_MILLIS) VALUES (?, ?)", image, Instant.now().toEpochMilli());
	}

	/** The oldest losses recorded at or before {@code until}. */
	public List<Loss> oldest(Instant until, int limit) {
		return jdbc.query("SELECT IMAGE_REF, LOST_AT_MILLIS FROM DC_GRANT_LOSS WHERE LOST_AT_MILLIS <= ? ORDER BY LOST_AT_MILLIS",
				(row, n) -> new Loss(row.getString(1), row.getLong(2)), until.toEpochMilli()).stream().limit(limit).toList();
	}

	public void done(List<Loss> losses) {
		losses.forEach(loss -> jdbc.update("DELETE FROM DC_GRANT_LOSS WHERE IMAGE_REF = ? AND LOST_AT_MILLIS = ?",
				loss.image(), loss.lostAtMillis()));
	}

	/** When the client was last told about the image, or 0: disclosures before that are settled. */
	public long notifiedAt(String client, String image) {
		List<Long> at = jdbc.queryForList("SELECT NOTIFIED_AT_MILLIS FROM DC_WITHDRAWAL_NOTIFIED WHERE CLIENT_ID = ? AND IMAGE_REF = ?",
				Long.class, client, image);
		return at.isEmpty() ? 0 : at.get(0);
	}

	public void notified(String client, String image, Instant at) {
		if (jdbc.update("UPDATE DC_WITHDRAWAL_NOTIFIED SET NOTIFIED_AT_MILLIS = ? WHERE CLIENT_ID = ? AND IMAGE_REF = ?",
				at.toEpochMilli(), client, image) == 0) {
			jdbc.update("INSERT INTO DC_WITHDRAWAL_NOTIFIED (CLIENT_ID, IMAGE_REF, NOTIFIED_AT_MILLIS) VALUES (?, ?, ?)",
					client, image, at.toEpochMilli());
		}
	}
}
