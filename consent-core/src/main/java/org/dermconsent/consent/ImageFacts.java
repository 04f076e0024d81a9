package org.dermconsent.consent;

/**
 * What the decision needs to know about one image (Media).
 *
 * @param mediaRef        "Media/123"; null stands for an image no provision names by {@code data}
 *                        (used for patient-level summaries)
 * @param identifiability its security label; null means unlabelled, treated as identifiable
 * @param sourceMediaRef  for a de-identified derivative, the Media it was derived from
 *                        ("Media/100"), so that a grant naming the original also covers its
 *                        derivatives; the server passes the original at the root of the chain
 */
public record ImageFacts(String mediaRef, Identifiability identifiability, String sourceMediaRef) {

    public static ImageFacts of(String mediaRef, Identifiability identifiability) {
        return new ImageFacts(mediaRef, identifiability, null);
    }

    public static ImageFacts derivative(String mediaRef, String sourceMediaRef) {
        return new ImageFacts(mediaRef, Identifiability.DEIDENTIFIED, sourceMediaRef);
    }

    /** An image not named by any provision, with this label: what a patient-level summary asks about. */
    public static ImageFacts anyImage(Identifiability identifiability) {
        return new ImageFacts(null, identifiability, null);
    }

    /** The label the decision uses: missing labels fail closed to identifiable. */
    public Identifiability effectiveIdentifiability() {
        return Identifiability.orIdentifiable(identifiability);
    }

    /** True if {@code reference} names this image or the image it was derived from. */
    public boolean isNamedBy(String reference) {
        return reference != null && (reference.equals(mediaRef) || reference.equals(sourceMediaRef));
    }
}
