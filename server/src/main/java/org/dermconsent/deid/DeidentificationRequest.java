package org.dermconsent.deid;

import org.dermconsent.consent.ImageUse;
import org.dermconsent.deid.image.CropRegion;

/**
 * What a client asked {@code $deidentify} for.
 *
 * @param crop the region to keep (null: keep all pixels, strip metadata only)
 * @param attestedNonIdentifying the clinician attests that the crop region shows nothing identifying
 * @param pseudonymized true: PSEUDED (served with the patient's stable pseudonym); false: ANONYED
 *     (served with an opaque per-image subject that links nothing)
 * @param attester optional reference to the attesting Practitioner or PractitionerRole
 * @param purpose the request's purpose, recorded as the Provenance's reason (its v3 PurposeOfUse, if it has one)
 */
public record DeidentificationRequest(CropRegion crop, boolean attestedNonIdentifying, boolean pseudonymized,
		String attester, ImageUse purpose) {}
