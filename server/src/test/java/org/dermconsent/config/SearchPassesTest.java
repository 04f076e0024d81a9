package org.dermconsent.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SearchPassesTest {

	private final List<Integer> thresholds = SearchPasses.prefetchThresholds();

	@Test
	void theFirstPassesAreHapisOwnAndTheLastLoadsTheRest() {
		assertThat(thresholds).startsWith(13, 503, 2_003);
		assertThat(thresholds.get(thresholds.size() - 1)).isEqualTo(-1);
		assertThat(thresholds.subList(0, thresholds.size() - 1)).isSorted().doesNotHaveDuplicates().allMatch(t -> t > 0);
	}

	@Test
	void noPassUpToTwoMillionResultsLoadsMoreThanOneStep() {
		for (int i = 1; i < thresholds.size() - 1 && thresholds.get(i) <= SearchPasses.LINEAR_UNTIL + 3; i++) {
			assertThat(thresholds.get(i) - thresholds.get(i - 1)).isLessThanOrEqualTo(SearchPasses.LINEAR_STEP);
		}
		assertThat(thresholds).contains(SearchPasses.LINEAR_UNTIL + 3);
	}

	@Test
	void laterPassesStillHaveABoundUpToTenMillion() {
		int last = thresholds.get(thresholds.size() - 2);
		assertThat(last).isEqualTo(SearchPasses.LATE_UNTIL + 3);
		for (int i = 1; i < thresholds.size() - 1; i++) {
			assertThat(thresholds.get(i) - thresholds.get(i - 1)).isLessThanOrEqualTo(SearchPasses.LATE_STEP);
		}
	}
}
