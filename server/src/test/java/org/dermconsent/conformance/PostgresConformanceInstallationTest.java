package org.dermconsent.conformance;

import org.dermconsent.support.FhirApi;
import org.dermconsent.support.PostgresServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** On PostgreSQL, too, a start finds an unchanged package as it was left, and a cut-short install is done again. */
@PostgresServerTest
class PostgresConformanceInstallationTest extends FhirApi {

	@Autowired
	ConformanceInstallation installation;

	@Autowired
	DataSource dataSource;

	@Test
	void anUnchangedPackageIsNotStoredAgainAndAnUnrecordedOneIs() {
		installation.installWhatChanged(); // whatever other tests on this database left
		assertThat(installation.installWhatChanged()).isEmpty();

		// an install that stopped before it was recorded (a crash during the start)
		new JdbcTemplate(dataSource).update("DELETE FROM DC_CONFORMANCE_INSTALL WHERE PACKAGE_ID = ?", ServerSearchParameters.ID);
		assertThat(installation.installWhatChanged()).containsExactly(ServerSearchParameters.ID);
		assertThat(installation.installWhatChanged()).isEmpty();
	}
}
