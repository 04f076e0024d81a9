package org.dermconsent.enforcement;

import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The last step of the disclosure pipeline, for every purpose but clinical care: a de-identified
 * image leaves without a reference to its patient (implemented by de-identification's pseudonyms).
 */
public interface SubjectMasking {

	/** Replaces, in place, whatever in {@code resource} would name its patient; leaves anything else as it is. */
	void mask(IBaseResource resource);

	SubjectMasking NONE = resource -> {};
}
