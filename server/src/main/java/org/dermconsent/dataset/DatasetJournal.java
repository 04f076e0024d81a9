package org.dermconsent.dataset;

import org.dermconsent.enforcement.DatasetEntries;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Optional;

/**
 * Tables in the FHIR database behind datasets: the images each dataset export wrote, with the
 * consent version that permitted each when it was written ({@code DC_DATASET_ENTRY}, filed by the
 * disclosure pipeline's export step), and which List each dataset became ({@code DC_DATASET}, one row
 * per dataset key, its primary key what makes one List per export job across server nodes).
 *
 * <p>An entry is filed again if the export step runs again for the same image (a batch chunk that is
 * retried): one row per dataset and image, the latest decision kept.
 */
public class DatasetJournal implements DatasetEntries {

	/** One exported image and the consent version that permitted it (empty with enforcement off). */
	public record Entry(String image, Optional<String> consent) {}

	private final JdbcTemplate jdbc;
	private final TransactionTemplate ownTransaction;
	private final String upsert;

	/**
	 * @param ownTransaction for filing entries: the export step runs inside the job's read-only
	 *                       transaction, in which PostgreSQL refuses writes
	 */
	public DatasetJournal(JdbcTemplate jdbc, TransactionTemplate ownTransaction, boolean postgres) {
		this.jdbc = jdbc;
		this.ownTransaction = ownTransaction;
		ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.upsert = postgres
				? "INSERT INTO DC_DATASET_ENTRY (DATASET_KEY, IMAGE_REF, CONSENT_REF) VALUES (?, ?, ?)"
						+ " ON CONFLICT (DATASET_KEY, IMAGE_REF) DO UPDATE SET CONSENT_REF = EXCLUDED.CONSENT_REF"
				: "MERGE INTO DC_DATASET_ENTRY (DATASET_KEY, IMAGE_REF, CONSENT_REF) KEY (DATASET_KEY, IMAGE_REF) VALUES (?, ?, ?)";
	}

	public void createTablesIfMissing() {
		jdbc.execute("CREATE TABLE IF NOT EXISTS DC_DATASET_ENTRY (DATASET_KEY VARCHAR(64) NOT NULL,"
				+ " IMAGE_REF VARCHAR(200) NOT NULL, CONSENT_REF VARCHAR(300), PRIMARY KEY (DATASET_KEY, IMAGE_REF))");
		jdbc.execute("CREATE TABLE IF NOT EXISTS DC_DATASET (DATASET_KEY VARCHAR(64) NOT NULL PRIMARY KEY,"
				+ " LIST_REF VARCHAR(200) NOT NULL)");
	}

	@Override
	public void exported(String datasetKey, String image, Optional<String> consent) {
		ownTransaction.executeWithoutResult(status -> jdbc.update(upsert, datasetKey, image, consent.orElse(null)));
	}

	/** The dataset's entries, by image reference. */
	public List<Entry> entries(String datasetKey) {
		return jdbc.query("SELECT IMAGE_REF, CONSENT_REF FROM DC_DATASET_ENTRY WHERE DATASET_KEY = ? ORDER BY IMAGE_REF",
				(row, n) -> new Entry(row.getString(1), Optional.ofNullable(row.getString(2))), datasetKey);
	}

	/** The List the dataset became ({@code List/{id}}), if it is written. */
	public Optional<String> listOf(String datasetKey) {
		return jdbc.queryForList("SELECT LIST_REF FROM DC_DATASET WHERE DATASET_KEY = ?", String.class, datasetKey)
				.stream().findFirst();
	}

	/**
	 * Records that the dataset became {@code list} and drops its entries; in the transaction that
	 * writes the List. A second writer of the same dataset fails here on the key, and its List with it.
	 */
	public void written(String datasetKey, String list) {
		jdbc.update("INSERT INTO DC_DATASET (DATASET_KEY, LIST_REF) VALUES (?, ?)", datasetKey, list);
		jdbc.update("DELETE FROM DC_DATASET_ENTRY WHERE DATASET_KEY = ?", datasetKey);
	}
}
