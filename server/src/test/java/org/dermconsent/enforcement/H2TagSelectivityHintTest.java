package org.dermconsent.enforcement;

import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** H2 plans a search on two labels from the labels' rows, and keeps doing so after it re-analyzes. */
@H2ServerTest
class H2TagSelectivityHintTest {

	// the shape HAPI 8.8.0 generates for Media?_tag=...&_security=... (the consent filter's label)
	private static final String TWO_LABEL_SEARCH = "SELECT t0.RES_ID FROM HFJ_RESOURCE t0"
			+ " INNER JOIN HFJ_RES_TAG t1 ON (t0.RES_ID = t1.RES_ID) INNER JOIN HFJ_TAG_DEF t2 ON (t1.TAG_ID = t2.TAG_ID)"
			+ " INNER JOIN HFJ_RES_TAG t3 ON (t0.RES_ID = t3.RES_ID) INNER JOIN HFJ_TAG_DEF t4 ON (t3.TAG_ID = t4.TAG_ID)"
			+ " WHERE t0.RES_TYPE = 'Media' AND t0.RES_DELETED_AT IS NULL"
			+ " AND t2.TAG_TYPE = 2 AND t2.TAG_SYSTEM = 'https://dermconsent.org/fhir/CodeSystem/granted-use' AND t2.TAG_CODE = 'ai-training'"
			+ " AND t4.TAG_TYPE = 0 AND t4.TAG_SYSTEM = 'urn:example' AND t4.TAG_CODE = 'cohort'"
			+ " FETCH FIRST 51 ROWS ONLY";

	// the same search when SearchPurposeFilter asks H2 to join the label later: the label has one more alternative
	private static final String TWO_LABEL_SEARCH_LABEL_LATER = TWO_LABEL_SEARCH.replace(
			"t2.TAG_TYPE = 2 AND t2.TAG_SYSTEM = 'https://dermconsent.org/fhir/CodeSystem/granted-use' AND t2.TAG_CODE = 'ai-training'",
			"((t2.TAG_TYPE = 2 AND t2.TAG_SYSTEM = 'https://dermconsent.org/fhir/CodeSystem/granted-use' AND t2.TAG_CODE = 'ai-training')"
					+ " OR (t2.TAG_TYPE = 2 AND t2.TAG_SYSTEM = 'https://dermconsent.org/fhir/CodeSystem/granted-use' AND t2.TAG_CODE = '#join-later'))");

	@Autowired
	H2TagSelectivityHint hint;

	@Autowired
	DataSource dataSource;

	private Integer resourceTypeSelectivity;
	private Integer deletedSelectivity;

	@AfterEach
	void statisticsAsBefore() {
		if (resourceTypeSelectivity != null) {
			setSelectivity("HFJ_RESOURCE", "RES_TYPE", resourceTypeSelectivity);
			setSelectivity("HFJ_RESOURCE", "RES_DELETED_AT", deletedSelectivity);
		}
		hint.restoreIfLost();
	}

	@Test
	void theServerStartsWithTheHintInPlace() throws InterruptedException {
		for (int i = 0; i < 50 && selectivity() < H2TagSelectivityHint.SELECTIVITY; i++) {
			Thread.sleep(100);
		}
		assertThat(selectivity()).isEqualTo(H2TagSelectivityHint.SELECTIVITY);
		assertThat(firstTableOf(TWO_LABEL_SEARCH)).isEqualTo("HFJ_TAG_DEF");
	}

	@Test
	void oneMoreLabelAlternativeMakesH2StartFromTheClientsTag() {
		hint.restoreIfLost();
		assertThat(TWO_LABEL_SEARCH_LABEL_LATER).contains("#join-later");
		assertThat(firstAliasOf(TWO_LABEL_SEARCH)).isEqualTo("T2");
		assertThat(firstAliasOf(TWO_LABEL_SEARCH_LABEL_LATER)).isEqualTo("T4");
	}

	@Test
	void whatAnAnalyzeWritesOnALargeDatabaseIsPutBack() {
		// what ANALYZE measures once there are many labelled images: few distinct types, tags, deletion times
		resourceTypeSelectivity = selectivity("HFJ_RESOURCE", "RES_TYPE");
		deletedSelectivity = selectivity("HFJ_RESOURCE", "RES_DELETED_AT");
		setSelectivity("HFJ_RESOURCE", "RES_TYPE", 1);
		setSelectivity("HFJ_RESOURCE", "RES_DELETED_AT", 1);
		setSelectivity("HFJ_RES_TAG", "TAG_ID", 1);
		assertThat(firstTableOf(TWO_LABEL_SEARCH)).isEqualTo("HFJ_RESOURCE");

		assertThat(hint.restoreIfLost()).isTrue();

		assertThat(selectivity()).isEqualTo(H2TagSelectivityHint.SELECTIVITY);
		assertThat(firstTableOf(TWO_LABEL_SEARCH)).isEqualTo("HFJ_TAG_DEF");
		assertThat(hint.restoreIfLost()).isFalse();
	}

	private int selectivity() {
		return selectivity("HFJ_RES_TAG", "TAG_ID");
	}

	private int selectivity(String table, String column) {
		return jdbc().queryForObject("SELECT SELECTIVITY FROM INFORMATION_SCHEMA.COLUMNS"
				+ " WHERE TABLE_NAME = ? AND COLUMN_NAME = ?", Integer.class, table, column);
	}

	private void setSelectivity(String table, String column, int selectivity) {
		jdbc().execute("ALTER TABLE " + table + " ALTER COLUMN " + column + " SELECTIVITY " + selectivity);
	}

	private String firstTableOf(String sql) {
		String plan = jdbc().queryForObject("EXPLAIN " + sql, String.class);
		String from = plan.substring(plan.indexOf("FROM ") + 5).trim();
		return from.substring(0, from.indexOf(' ')).replace("\"PUBLIC\".", "").replace("\"", "");
	}

	private String firstAliasOf(String sql) {
		String plan = jdbc().queryForObject("EXPLAIN " + sql, String.class);
		String[] from = plan.substring(plan.indexOf("FROM ") + 5).trim().split("\\s+");
		return from[1].replace("\"", "");
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(dataSource);
	}
}
