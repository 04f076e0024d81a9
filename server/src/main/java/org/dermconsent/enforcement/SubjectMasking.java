package org.dermconsent.enforcement;

import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The last step of the disclosure pipeline, for every purpose but clinical care: a de-identified
 * image leaves without a reference to its patient (implemented by de-identification's pseudonyms).
 */
public interface SubjectMasking {

	/** Replaces, in place, whatever in {@code resource} would name its patient; leaves anything else as it is. */
	void mask(IBaseResource resource);

	/**
	 * For what a secondary-use bulk export writes (a dataset, which a research platform keeps): every
	 * image's subject becomes its patient's pseudonym, whatever its identifiability, and a Patient
	 * becomes its pseudonymous record (whose id and only identifier are the pseudonym), so that the
	 * dataset's images and patients join on the pseudonym and never on a server id. In place.
	 */
	void pseudonymizeForExport(IBaseResource resource);

	SubjectMasking NONE = new SubjectMasking() {
		@Override
		public void mask(IBaseResource resource) {}

		@Override
		public void pseudonymizeForExport(IBaseResource resource) {}
	};
}
