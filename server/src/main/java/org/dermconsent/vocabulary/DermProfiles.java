package org.dermconsent.vocabulary;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Task;

import java.util.Optional;

/** Which DermConsent profile, if any, a resource must conform to when it is stored. */
public final class DermProfiles {

	public static final String BASE = "https://dermconsent.org/fhir";
	public static final String DERM_IMAGE_CONSENT = BASE + "/StructureDefinition/derm-image-consent";
	public static final String DERM_MEDIA = BASE + "/StructureDefinition/derm-media";
	public static final String DERM_CONSENT_REQUEST = BASE + "/StructureDefinition/derm-consent-request";
	public static final String CONSENT_CATEGORY_SYSTEM = BASE + "/CodeSystem/consent-category";
	public static final String DERM_IMAGE_USE = "derm-image-use";

	private DermProfiles() {}

	/**
	 * A Consent about skin image use (by its category) or claiming the profile must be a
	 * derm-image-consent; a Media must be a derm-media when it says so. Other consents are ordinary
	 * R4 and are not ours to judge. A consent request (by its code, or claiming the profile) must be a
	 * derm-consent-request.
	 */
	public static Optional<String> requiredProfile(IBaseResource resource) {
		if (resource instanceof Consent consent && (isDermImageConsent(consent) || claims(consent, DERM_IMAGE_CONSENT))) {
			return Optional.of(DERM_IMAGE_CONSENT);
		}
		if (resource instanceof Media media && claims(media, DERM_MEDIA)) {
			return Optional.of(DERM_MEDIA);
		}
		if (resource instanceof Task task && (ConsentRequests.isConsentRequest(task) || claims(task, DERM_CONSENT_REQUEST))) {
			return Optional.of(DERM_CONSENT_REQUEST);
		}
		return Optional.empty();
	}

	public static boolean isDermImageConsent(Consent consent) {
		return consent.getCategory().stream()
				.flatMap(category -> category.getCoding().stream())
				.anyMatch(coding -> CONSENT_CATEGORY_SYSTEM.equals(coding.getSystem())
						&& DERM_IMAGE_USE.equals(coding.getCode()));
	}

	private static boolean claims(IBaseResource resource, String profile) {
		return resource.getMeta().getProfile().stream()
				.map(p -> ((CanonicalType) p).getValue())
				.anyMatch(claimed -> claimed != null && claimed.split("\\|")[0].equals(profile));
	}
}
