package org.dermconsent.bench.baseline;

import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The peer's rule must be the benchmark generator's (consent-bench.py permitted()), or the comparison is void. */
class PurposeConsentServiceTest {

	@Test
	void anUnrestrictedPermitForThePurposeCoversBothIdentifiabilities() {
		Consent consent = consent(permit("ai-training", null), permit("education", null));
		assertThat(PurposeConsentService.permits(consent, "ai-training", "identifiable")).isTrue();
		assertThat(PurposeConsentService.permits(consent, "ai-training", "deidentified")).isTrue();
	}

	@Test
	void aPermitLabelledDeidentifiedDoesNotCoverIdentifiableImages() {
		Consent consent = consent(permit("ai-training", "deidentified"));
		assertThat(PurposeConsentService.permits(consent, "ai-training", "deidentified")).isTrue();
		assertThat(PurposeConsentService.permits(consent, "ai-training", "identifiable")).isFalse();
	}

	@Test
	void otherPurposesAndNoConsentPermitNothing() {
		assertThat(PurposeConsentService.permits(consent(permit("education", null)), "ai-training", "deidentified")).isFalse();
		assertThat(PurposeConsentService.permits(new Consent(), "ai-training", "deidentified")).isFalse();
	}

	private static Consent consent(Consent.ProvisionComponent... permits) {
		Consent consent = new Consent();
		consent.getProvision().setType(Consent.ConsentProvisionType.DENY);
		for (Consent.ProvisionComponent permit : permits) {
			consent.getProvision().addProvision(permit);
		}
		return consent;
	}

	private static Consent.ProvisionComponent permit(String purpose, String identifiability) {
		Consent.ProvisionComponent permit = new Consent.ProvisionComponent().setType(Consent.ConsentProvisionType.PERMIT);
		permit.addPurpose().setSystem(PurposeConsentService.IMAGE_USE).setCode(purpose);
		if (identifiability != null) {
			permit.addSecurityLabel().setSystem(PurposeConsentService.IDENTIFIABILITY).setCode(identifiability);
		}
		return permit;
	}
}
