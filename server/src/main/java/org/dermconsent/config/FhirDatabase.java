package org.dermconsent.config;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** Which database the FHIR store runs on (PostgreSQL or H2): for the few statements and planning aids that differ. */
public final class FhirDatabase {

	private FhirDatabase() {}

	/** Whether it is PostgreSQL; fails if the database cannot be asked. */
	public static boolean isPostgres(DataSource dataSource) {
		try {
			return productName(dataSource).toLowerCase(Locale.ROOT).contains("postgres");
		} catch (SQLException e) {
			throw new IllegalStateException("Cannot tell which database the server runs on", e);
		}
	}

	/** Whether it is H2; false if the database cannot be asked. */
	public static boolean isH2(DataSource dataSource) {
		try {
			return "H2".equals(productName(dataSource));
		} catch (SQLException e) {
			return false;
		}
	}

	private static String productName(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getMetaData().getDatabaseProductName();
		}
	}
}
