package org.dermconsent.enforcement;

import java.util.Optional;

/**
 * Where the disclosure pipeline's export step files each image a dataset export writes, with the
 * consent version that permitted it, so that the dataset's List names exactly what was exported and
 * why it was permitted then (a later consent change must not rewrite that history). Implemented by
 * the datasets; the pipeline only tells it what leaves.
 */
public interface DatasetEntries {

	/**
	 * {@code image} ({@code Media/{id}}) is written to the files of the export job keyed
	 * {@code datasetKey}, permitted by {@code consent} (a versioned reference; empty with enforcement off).
	 */
	void exported(String datasetKey, String image, Optional<String> consent);

	/** For a node without datasets. */
	DatasetEntries NONE = (datasetKey, image, consent) -> {};
}
