package org.dermconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.consent.ConsentStatus.ACTIVE;
import static org.dermconsent.consent.Fixtures.DEID;
import static org.dermconsent.consent.Fixtures.optIn;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A guardian's consent for a minor stops deciding at the start (UTC) of the 18th birthday. */
class GuardianConsentTest {

    private static final LocalDate BORN = LocalDate.parse("2008-03-10");
    private static final Instant MAJORITY = Instant.parse("2026-03-10T00:00:00Z");
    private static final Instant GIVEN = Instant.parse("2020-05-01T09:00:00Z");

    private final ConsentDecider decider = new ConsentDecider();

    @Test
    void majorityIsTheStartOfTheEighteenthBirthdayInUtc() {
        assertThat(GuardianConsent.majority(BORN)).isEqualTo(MAJORITY);
        // born on 29 February: of age on 28 February of a year without one
        assertThat(GuardianConsent.majority(LocalDate.parse("2008-02-29"))).isEqualTo(Instant.parse("2026-02-28T00:00:00Z"));
    }

    @Test
    void onlyAGuardiansConsentGivenWhileAMinorEnds() {
        assertThat(GuardianConsent.governsUntil(true, BORN, GIVEN)).contains(MAJORITY);
        assertThat(GuardianConsent.governsUntil(true, BORN, null)).as("undated: fail closed").contains(MAJORITY);
        assertThat(GuardianConsent.governsUntil(false, BORN, GIVEN)).as("given by the patient").isEmpty();
        assertThat(GuardianConsent.governsUntil(true, null, GIVEN)).as("birth date unknown").isEmpty();
        assertThat(GuardianConsent.governsUntil(true, BORN, MAJORITY)).as("guardian of an adult").isEmpty();
        assertThat(GuardianConsent.governsUntil(true, BORN, MAJORITY.minusSeconds(1))).contains(MAJORITY);
    }

    @Test
    void permitsOneSecondBeforeTheBirthdayAndNotAtIt() {
        List<ImageConsent> consents = List.of(guardianConsent());
        ImageFacts image = ImageFacts.of("Media/1", DEID);

        Decision before = decider.decide(image, consents, AccessRequest.of(ImageUse.AI_TRAINING, MAJORITY.minusSeconds(1)));
        Decision at = decider.decide(image, consents, AccessRequest.of(ImageUse.AI_TRAINING, MAJORITY));
        Decision care = decider.decide(image, consents, AccessRequest.of(ImageUse.CLINICAL_CARE, MAJORITY));

        assertThat(before.permit()).isTrue();
        assertThat(at.permit()).isFalse();
        assertThat(at.reason()).contains("Consent/g", "18th birthday");
        assertThat(care.permit()).as("clinical-care by default").isTrue();
    }

    @Test
    void theGrantsEndAtTheBirthdayToo() {
        ImageGrants grants = new GrantTimeline().compute(ImageFacts.of("Media/1", DEID), List.of(guardianConsent()));

        assertThat(grants.permits(ImageUse.AI_TRAINING, null, MAJORITY.minusSeconds(1))).isTrue();
        assertThat(grants.permits(ImageUse.AI_TRAINING, null, MAJORITY)).isFalse();
        assertThat(GrantLabels.nextChangeAfter(grants, MAJORITY.minusSeconds(60))).contains(MAJORITY);
    }

    @Test
    void aNewerConsentOfThePatientGovernsAsUsual() {
        ImageConsent own = new ImageConsent("Consent/own", ACTIVE, MAJORITY.plusSeconds(3600), optIn(
                Provision.permit().withPurposes(ImageUse.AI_TRAINING).withIdentifiability(DEID)));
        Decision after = decider.decide(ImageFacts.of("Media/1", DEID), List.of(guardianConsent(), own),
                new AccessRequest(ImageUse.AI_TRAINING, Set.of(), MAJORITY.plusSeconds(7200)));
        assertThat(after.permit()).isTrue();
        assertThat(after.decidingConsent()).isEqualTo("Consent/own");
    }

    private static ImageConsent guardianConsent() {
        Provision root = optIn(Provision.permit().withPurposes(ImageUse.AI_TRAINING).withIdentifiability(DEID));
        return new ImageConsent("Consent/g", ACTIVE, GIVEN,
                root, GuardianConsent.governsUntil(true, BORN, GIVEN).orElseThrow());
    }
}
