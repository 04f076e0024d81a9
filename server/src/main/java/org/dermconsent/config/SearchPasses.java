package org.dermconsent.config;

import java.util.ArrayList;
import java.util.List;

/**
 * How many results HAPI loads in each pass of a paged search (its "pre-fetch thresholds").
 *
 * <p>HAPI loads a search's results in passes, and a page that reaches past what is loaded runs the next
 * pass in the request that asked for it, storing every result of that pass before it answers. HAPI's
 * own steps (13, 503, 2,003, 1,000,003, then everything) therefore make the 41st page of 50 wait until a
 * million results are stored: more than two minutes at 1,000,000 images. Here the passes grow no larger
 * than {@link #LINEAR_STEP} results, so that no page waits for more than one step, at the price of
 * re-reading the ids of earlier passes (cheap against storing them).
 */
public final class SearchPasses {

	/** Results per pass once the passes stop growing. */
	static final int LINEAR_STEP = 50_000;
	/** Past this, the passes grow faster, and the last pass loads whatever is left. */
	static final int LINEAR_UNTIL = 2_000_000;
	static final int LATE_STEP = 250_000;
	static final int LATE_UNTIL = 10_000_000;

	private SearchPasses() {}

	/** Ascending, each ending 3 past a round number as HAPI's own do, and -1 (load the rest) last. */
	public static List<Integer> prefetchThresholds() {
		List<Integer> thresholds = new ArrayList<>(List.of(13, 503, 2_003, 10_003));
		for (int loaded = LINEAR_STEP; loaded <= LINEAR_UNTIL; loaded += LINEAR_STEP) {
			thresholds.add(loaded + 3);
		}
		for (int loaded = LINEAR_UNTIL + LATE_STEP; loaded <= LATE_UNTIL; loaded += LATE_STEP) {
			thresholds.add(loaded + 3);
		}
		thresholds.add(-1);
		return List.copyOf(thresholds);
	}
}
