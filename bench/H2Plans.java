import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The SQL alone of the benchmark's consent-filtered search on a copy of a benchmark's H2 database (run
 * by bench/h2-plans.sh): per cohort, the shape HAPI 8.8.0 generates for Media?_tag=<cohort> with the
 * consent filter's _security label (two label joins), and the same search with the consent label as an
 * EXISTS probe, which makes H2 start from the cohort's rows. Prints H2's plan with row counts (EXPLAIN
 * ANALYZE) for the 1% cohort and the mean time of each shape per cohort.
 */
public class H2Plans {

	private static final String LABEL = "t2.TAG_TYPE = 2 AND t2.TAG_SYSTEM = 'https://dermconsent.org/fhir/CodeSystem/granted-use'"
			+ " AND t2.TAG_CODE = 'ai-training'";
	private static final String COHORT = "t4.TAG_TYPE = 0 AND t4.TAG_SYSTEM = 'urn:dermconsent:bench' AND t4.TAG_CODE = '%s'";

	/** What HAPI 8.8.0 sends (it puts _tag last, so the consent label is joined first). */
	static final String HAPI_SHAPE = "SELECT t0.RES_ID FROM HFJ_RESOURCE t0"
			+ " INNER JOIN HFJ_RES_TAG t1 ON (t0.RES_ID = t1.RES_ID) INNER JOIN HFJ_TAG_DEF t2 ON (t1.TAG_ID = t2.TAG_ID)"
			+ " INNER JOIN HFJ_RES_TAG t3 ON (t0.RES_ID = t3.RES_ID) INNER JOIN HFJ_TAG_DEF t4 ON (t3.TAG_ID = t4.TAG_ID)"
			+ " WHERE t0.RES_TYPE = 'Media' AND t0.RES_DELETED_AT IS NULL AND " + LABEL + " AND " + COHORT
			+ " FETCH FIRST 51 ROWS ONLY";

	/** The consent label as a probe per candidate: H2 then starts from the client's criterion. */
	static final String EXISTS_SHAPE = "SELECT t0.RES_ID FROM HFJ_RESOURCE t0"
			+ " INNER JOIN HFJ_RES_TAG t3 ON (t0.RES_ID = t3.RES_ID) INNER JOIN HFJ_TAG_DEF t4 ON (t3.TAG_ID = t4.TAG_ID)"
			+ " WHERE t0.RES_TYPE = 'Media' AND t0.RES_DELETED_AT IS NULL AND " + COHORT
			+ " AND EXISTS (SELECT 1 FROM HFJ_RES_TAG t1 INNER JOIN HFJ_TAG_DEF t2 ON (t1.TAG_ID = t2.TAG_ID)"
			+ " WHERE t1.RES_ID = t0.RES_ID AND " + LABEL + ")"
			+ " FETCH FIRST 51 ROWS ONLY";

	public static void main(String[] args) throws SQLException {
		String url = args[0];
		int runs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
		List<String> cohorts = List.of("cohort-100", "cohort-10", "cohort-1", "study");
		try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
			// H2 otherwise answers a repeated identical query from its result cache, and the mean is of that
			try (Statement s = connection.createStatement()) {
				s.execute("SET OPTIMIZE_REUSE_RESULTS FALSE");
			}
			for (String[] shape : new String[][] {{"HAPI 8.8.0 shape", HAPI_SHAPE}, {"EXISTS shape", EXISTS_SHAPE}}) {
				System.out.println("== " + shape[0] + ", cohort-1: EXPLAIN ANALYZE");
				try (Statement s = connection.createStatement();
						ResultSet plan = s.executeQuery("EXPLAIN ANALYZE " + String.format(shape[1], "cohort-1"))) {
					while (plan.next()) {
						System.out.println(plan.getString(1));
					}
				}
			}
			System.out.printf("%n%-18s %-11s %5s %10s%n", "shape", "cohort", "rows", "mean ms");
			for (int round = 0; round < 2; round++) { // the first round warms the JIT and H2's cache up
				for (String cohort : cohorts) {
					for (String[] shape : new String[][] {{"HAPI 8.8.0", HAPI_SHAPE}, {"EXISTS", EXISTS_SHAPE}}) {
						String sql = String.format(shape[1], cohort);
						int rows = 0;
						long start = System.nanoTime();
						for (int i = 0; i < runs; i++) {
							try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
								rows = 0;
								while (r.next()) {
									rows++;
								}
							}
						}
						if (round == 1) {
							System.out.printf("%-18s %-11s %5d %10.3f%n", shape[0], cohort, rows, (System.nanoTime() - start) / 1e6 / runs);
						}
					}
				}
			}
		}
	}
}
