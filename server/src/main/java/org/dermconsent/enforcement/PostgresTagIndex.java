package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.BaseResourceIndexedSearchParam;
import ca.uhn.fhir.jpa.model.entity.TagTypeEnum;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import org.dermconsent.background.ScheduledRound;
import org.dermconsent.config.FhirDatabase;
import org.dermconsent.enforcement.H2LabelJoinOrder.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;

/**
 * Lets PostgreSQL plan a consent-filtered image search from how many images the client's tags really have.
 *
 * <p>HAPI finds a tag through {@code HFJ_TAG_DEF} by system and code, so at plan time PostgreSQL does not know
 * which tag a criterion means: it rates the client's tag and the consent's grant label alike (the average tag)
 * and starts from the one HAPI writes first, the label. With 1% of a 10,000-image cohort permitted among
 * 1,000,000 images, {@code Media?_tag=cohort} for AI training then reads about 100,000 label rows to find one
 * page. The search parameter {@code tag-index} holds the same tags as a token index, whose hashes PostgreSQL
 * keeps value statistics for; with the client's tags searched there it starts from the rarer side.
 *
 * <p>The index answers for searches only once no tagged image is missing from it: images stored before the
 * parameter existed are indexed by the reindex job HAPI starts when the parameter is stored, and until a check
 * finds none left out, searches keep {@code _tag} (slower, never incomplete). Tags change only with the
 * resource itself ({@code $meta-add} is refused), and every such write indexes them.
 */
public class PostgresTagIndex {

	private static final Logger log = LoggerFactory.getLogger(PostgresTagIndex.class);
	static final String PARAMETER = "tag-index";

	private final JdbcTemplate jdbc;
	private final DataSource dataSource;
	private final long hashIdentity;
	private final ScheduledRound rounds;
	private volatile boolean complete;
	private boolean incompleteReported;

	public PostgresTagIndex(DataSource dataSource, PartitionSettings partitions, Duration checkInterval) {
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.hashIdentity = BaseResourceIndexedSearchParam.calculateHashIdentity(
				partitions, RequestPartitionId.defaultPartition(), "Media", PARAMETER);
		this.rounds = new ScheduledRound("tag-index-coverage", Duration.ZERO, checkInterval, this::checkQuietly);
	}

	/**
	 * Moves the search's {@code _tag} criteria ({@code clientTags}, each a list of alternatives) to
	 * {@code tag-index} once the index is complete; returns whether it did.
	 */
	public boolean searchClientTagsThere(SearchParameterMap params, List<List<Tag>> clientTags) {
		if (!complete || clientTags.isEmpty()) {
			return false;
		}
		params.remove(Constants.PARAM_TAG);
		for (List<Tag> alternatives : clientTags) {
			TokenOrListParam anyOf = new TokenOrListParam();
			alternatives.forEach(tag -> anyOf.addOr(new TokenParam(tag.system(), tag.code())));
			params.add(PARAMETER, anyOf);
		}
		return true;
	}

	public boolean isComplete() {
		return complete;
	}

	/** Checks whether some tagged image is missing from the index; once none is, the index stays in use. */
	public synchronized boolean checkCoverage() {
		if (!complete) {
			List<Integer> missing = jdbc.queryForList("SELECT 1 FROM HFJ_RES_TAG t"
					+ " INNER JOIN HFJ_TAG_DEF d ON d.TAG_ID = t.TAG_ID"
					+ " INNER JOIN HFJ_RESOURCE r ON r.RES_ID = t.RES_ID"
					+ " WHERE d.TAG_TYPE = ? AND r.RES_TYPE = 'Media' AND r.RES_DELETED_AT IS NULL"
					+ " AND NOT EXISTS (SELECT 1 FROM HFJ_SPIDX_TOKEN s WHERE s.RES_ID = t.RES_ID AND s.HASH_IDENTITY = ?)"
					+ " FETCH FIRST 1 ROWS ONLY", Integer.class, TagTypeEnum.TAG.ordinal(), hashIdentity);
			complete = missing.isEmpty();
			if (complete) {
				log.info("Tag index complete: consent-filtered image searches find tags through it");
			} else if (!incompleteReported) {
				incompleteReported = true;
				log.info("Tag index not complete yet (HAPI's reindex job indexes older images): image searches keep _tag until it is");
			}
		}
		return complete;
	}

	public void start() {
		if (FhirDatabase.isPostgres(dataSource)) {
			rounds.start();
		}
	}

	public void stop() {
		rounds.stop();
	}

	private void checkQuietly() {
		try {
			checkCoverage();
		} catch (DataAccessException e) {
			log.info("Tag index coverage not checked this time: {}", e.getMostSpecificCause().toString());
		}
	}
}
