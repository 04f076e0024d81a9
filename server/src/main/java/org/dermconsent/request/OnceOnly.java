package org.dermconsent.request;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;

/**
 * Writes a thing at most once per key, across restarts and concurrent rounds on several nodes: the key
 * is inserted into a table (primary key) in the same transaction as the write, so a second writer of
 * the same key fails on the key and its write is rolled back with it.
 */
final class OnceOnly {

	private final JdbcTemplate jdbc;
	private final TransactionTemplate transaction;
	private final String table;
	private final String keyColumn;

	/** {@code table} and {@code keyColumn} are constants of this package, never input. */
	OnceOnly(JdbcTemplate jdbc, TransactionTemplate transaction, String table, String keyColumn) {
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.table = table;
		this.keyColumn = keyColumn;
	}

	void createTableIfMissing() {
		jdbc.execute("CREATE TABLE IF NOT EXISTS " + table + " (" + keyColumn + " VARCHAR(300) NOT NULL PRIMARY KEY,"
				+ " CREATED_AT_MILLIS BIGINT NOT NULL)");
	}

	/** Runs {@code write} unless its key was written before (by this node or another); whether it ran and committed. */
	boolean write(String key, Instant now, Runnable write) {
		try {
			return Boolean.TRUE.equals(transaction.execute(status -> {
				if (!jdbc.queryForList("SELECT 1 FROM " + table + " WHERE " + keyColumn + " = ?", key).isEmpty()) {
					return false;
				}
				jdbc.update("INSERT INTO " + table + " (" + keyColumn + ", CREATED_AT_MILLIS) VALUES (?, ?)", key, now.toEpochMilli());
				write.run();
				return true;
			}));
		} catch (DataIntegrityViolationException writtenMeanwhile) {
			return false; // another round wrote it first; its write stands, this one was rolled back
		}
	}
}
