package org.dermconsent.vocabulary;

import org.dermconsent.consent.GrantLabels;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.ImageFacts;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** What the consent core needs to know about a stored Media: its identifiability and its source. */
public final class FhirImageFacts {

	public static final String DERIVED_FROM_MEDIA = "https://dermconsent.org/fhir/StructureDefinition/derived-from-media";
	/** Where a de-identified derivative says how: PSEUDED (a stable pseudonym is allowed) or ANONYED. */
	public static final String OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

	private FhirImageFacts() {}

	public static ImageFacts of(Media media) {
		return new ImageFacts(
				"Media/" + media.getIdElement().getIdPart(),
				identifiability(media).orElse(null),
				sourceMedia(media).orElse(null));
	}

	/** No label, an unknown code, or two different labels all leave it null: the core then fails closed (identifiable). */
	static Optional<Identifiability> identifiability(Media media) {
		Identifiability found = null;
		for (Coding label : media.getMeta().getSecurity()) {
			if (Identifiability.SYSTEM.equals(label.getSystem())) {
				Optional<Identifiability> code = Identifiability.find(label.getCode());
				if (code.isEmpty() || (found != null && found != code.get())) {
					return Optional.empty();
				}
				found = code.get();
			}
		}
		return Optional.ofNullable(found);
	}

	public static Optional<String> sourceMedia(Media media) {
		return Optional.ofNullable(media.getExtensionByUrl(DERIVED_FROM_MEDIA))
				.filter(extension -> extension.getValue() instanceof Reference)
				.map(extension -> ((Reference) extension.getValue()).getReferenceElement())
				.filter(reference -> reference.hasIdPart())
				.map(reference -> "Media/" + reference.getIdPart());
	}

	/** The codes of the image's grant labels ({@link GrantLabels#SYSTEM}), as stored. */
	public static Set<String> grantLabels(Media media) {
		Set<String> codes = new TreeSet<>();
		for (Coding label : media.getMeta().getSecurity()) {
			if (GrantLabels.SYSTEM.equals(label.getSystem())) {
				codes.add(label.getCode());
			}
		}
		return codes;
	}

	/** Removes the grant labels, which belong to the server and are never shown to clients. */
	public static void removeGrantLabels(Resource resource) {
		if (resource.hasMeta()) {
			resource.getMeta().getSecurity().removeIf(label -> GrantLabels.SYSTEM.equals(label.getSystem()));
		}
	}

	public static Optional<String> patient(Media media) {
		return Optional.of(media.getSubject().getReferenceElement())
				.filter(reference -> "Patient".equals(reference.getResourceType()) && reference.hasIdPart())
				.map(reference -> "Patient/" + reference.getIdPart());
	}

	/** Labelled ANONYED and not PSEUDED: served without even a pseudonym (both labels keep the pseudonym). */
	public static boolean isAnonymized(Media media) {
		boolean anonymized = false;
		for (Coding label : media.getMeta().getSecurity()) {
			if (OBSERVATION_VALUE.equals(label.getSystem())) {
				if ("PSEUDED".equals(label.getCode())) {
					return false;
				}
				anonymized |= "ANONYED".equals(label.getCode());
			}
		}
		return anonymized;
	}
}
