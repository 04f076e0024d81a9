package org.dermconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.consent.Fixtures.*;
import static org.dermconsent.consent.ImageUse.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConsentSummaryTest {

    private final ConsentDecider decider = new ConsentDecider();

    @Test
    void withoutConsentOnlyClinicalCareIsPermitted() {
        ConsentSummary summary = ConsentSummary.of(List.of(), NOW, decider);

        assertThat(summary.governingConsent()).isNull();
        assertThat(summary.decisions()).hasSize(14);
        assertThat(summary.decisions()).filteredOn(Decision::permit)
                .extracting(Decision::purpose).containsExactly(CLINICAL_CARE, CLINICAL_CARE);
        assertThat(summary.decisions()).allSatisfy(d -> assertThat(d.decidingConsent()).isNull());
    }

    @Test
    void typicalPatientSummary() {
        List<ImageConsent> consents = List.of(
                new ImageConsent("Consent/old", ConsentStatus.INACTIVE, JUN_2025, optIn(Provision.permit())),
                active("Consent/31", JAN_2025, optIn(
                        Provision.permit().withPurposes(AI_TRAINING, EDUCATION).withIdentifiability(DEID),
                        Provision.deny().withPurposes(PUBLICATION).withIdentifiability(ID),
                        // limited to one requester or one image: not a patient-wide choice
                        Provision.permit().withPurposes(RESEARCH).withActors(UNIVERSITY),
                        Provision.permit().withPurposes(CONFERENCE).withData("Media/5"))));

        ConsentSummary summary = ConsentSummary.of(consents, NOW, decider);

        assertThat(summary.governingConsent()).isEqualTo("Consent/31");
        assertThat(summary.decisions()).filteredOn(Decision::permit)
                .extracting(d -> d.purpose().code() + "/" + d.identifiability().code())
                .containsExactly("clinical-care/identifiable", "clinical-care/deidentified",
                        "education/deidentified", "ai-training/deidentified");
        Decision publication = summary.decisionFor(PUBLICATION, ID);
        assertThat(publication.permit()).isFalse();
        assertThat(publication.decidingProvision()).isEqualTo("provision.provision[1]");
        assertThat(summary.decisionFor(AI_TRAINING, DEID).decidingConsent()).isEqualTo("Consent/31");
        assertThat(summary.decisionFor(RESEARCH, DEID).permit()).isFalse();
        assertThat(summary.decisionFor(CONFERENCE, DEID).permit()).isFalse();
    }
}
