package org.dermconsent.enforcement;

import ca.uhn.fhir.jpa.model.entity.TagTypeEnum;
import org.dermconsent.enforcement.H2LabelJoinOrder.Tag;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Which side of an image search H2 should start from, decided by how many rows each side has. */
class H2LabelJoinOrderTest {

	private static final Tag LABEL = new Tag(TagTypeEnum.SECURITY_LABEL, "urn:granted", "ai-training");
	private static final Tag OTHER_LABEL = new Tag(TagTypeEnum.SECURITY_LABEL, "urn:granted", "ai-training@Device/1");
	private static final Tag SMALL_COHORT = new Tag(TagTypeEnum.TAG, "urn:cohort", "small");
	private static final Tag LARGE_COHORT = new Tag(TagTypeEnum.TAG, "urn:cohort", "large");
	// same system and code as the label, but a tag: counted apart
	private static final Tag TAG_NAMED_LIKE_LABEL = new Tag(TagTypeEnum.TAG, "urn:granted", "ai-training");

	private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T12:00:00Z"));
	private JdbcTemplate jdbc;
	private H2LabelJoinOrder order;
	private long nextResource = 1;

	@BeforeEach
	void database() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		jdbc = new JdbcTemplate(dataSource);
		jdbc.execute("CREATE TABLE HFJ_TAG_DEF (TAG_ID BIGINT PRIMARY KEY, TAG_TYPE INT, TAG_SYSTEM VARCHAR(200), TAG_CODE VARCHAR(200))");
		jdbc.execute("CREATE TABLE HFJ_RES_TAG (RES_ID BIGINT, TAG_ID BIGINT)");
		for (Tag tag : List.of(LABEL, OTHER_LABEL, SMALL_COHORT, LARGE_COHORT, TAG_NAMED_LIKE_LABEL)) {
			jdbc.update("INSERT INTO HFJ_TAG_DEF VALUES (?, ?, ?, ?)", idOf(tag), tag.type().ordinal(), tag.system(), tag.code());
		}
		Clock clock = new Clock() {
			@Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
			@Override public Clock withZone(java.time.ZoneId zone) { return this; }
			@Override public Instant instant() { return now.get(); }
		};
		order = new H2LabelJoinOrder(dataSource, Duration.ofMinutes(1), clock);
	}

	@Test
	void aClientTagWithFewerRowsThanTheLabelGoesFirst() {
		tag(LABEL, 10);
		tag(SMALL_COHORT, 3);
		tag(LARGE_COHORT, 40);
		tag(TAG_NAMED_LIKE_LABEL, 100);

		assertThat(order.startFromClientTags(List.of(List.of(SMALL_COHORT)), List.of(LABEL))).isTrue();
		assertThat(order.startFromClientTags(List.of(List.of(LARGE_COHORT)), List.of(LABEL))).isFalse();
	}

	@Test
	void alternativesAddUpAndEveryCriterionNarrows() {
		tag(LABEL, 10);
		tag(OTHER_LABEL, 5);
		tag(SMALL_COHORT, 12);
		tag(LARGE_COHORT, 40);

		// the label side is any of its codes: 15 rows
		assertThat(order.startFromClientTags(List.of(List.of(SMALL_COHORT)), List.of(LABEL, OTHER_LABEL))).isTrue();
		// small or large: 52 rows
		assertThat(order.startFromClientTags(List.of(List.of(SMALL_COHORT, LARGE_COHORT)), List.of(LABEL, OTHER_LABEL))).isFalse();
		// small and large: at most 12
		assertThat(order.startFromClientTags(List.of(List.of(SMALL_COHORT), List.of(LARGE_COHORT)), List.of(LABEL, OTHER_LABEL))).isTrue();
	}

	@Test
	void countsAreKeptForAMinute() {
		tag(LABEL, 10);
		tag(SMALL_COHORT, 5);
		assertThat(order.startFromClientTags(List.of(List.of(SMALL_COHORT)), List.of(LABEL))).isTrue();

		tag(SMALL_COHORT, 20);
		now.set(now.get().plusSeconds(59));
		assertThat(order.startFromClientTags(List.of(List.of(SMALL_COHORT)), List.of(LABEL))).isTrue();
		now.set(now.get().plusSeconds(1));
		assertThat(order.startFromClientTags(List.of(List.of(SMALL_COHORT)), List.of(LABEL))).isFalse();
	}

	@Test
	void withoutClientTagsOrWithoutTheTablesNothingChanges() {
		tag(LABEL, 10);
		assertThat(order.startFromClientTags(List.of(), List.of(LABEL))).isFalse();

		jdbc.execute("DROP TABLE HFJ_RES_TAG");
		assertThat(order.startFromClientTags(List.of(List.of(SMALL_COHORT)), List.of(LABEL))).isFalse();
	}

	private void tag(Tag tag, int resources) {
		for (int i = 0; i < resources; i++) {
			jdbc.update("INSERT INTO HFJ_RES_TAG VALUES (?, ?)", nextResource++, idOf(tag));
		}
	}

	private static long idOf(Tag tag) {
		return List.of(LABEL, OTHER_LABEL, SMALL_COHORT, LARGE_COHORT, TAG_NAMED_LIKE_LABEL).indexOf(tag) + 1;
	}
}
