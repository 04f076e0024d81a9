package org.dermconsent.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Reads an H2 file database that a server wrote (or will open) without changing it. */
public final class ReadOnlyH2 {

	private ReadOnlyH2() {
	}

	/** The number {@code query} selects from {@code database} (its path without {@code .mv.db}). */
	public static long count(Path database, String query) throws SQLException {
		try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + database + ";ACCESS_MODE_DATA=r", "sa", "");
				Statement statement = db.createStatement();
				ResultSet rows = statement.executeQuery(query)) {
			rows.next();
			return rows.getLong(1);
		}
	}
}
