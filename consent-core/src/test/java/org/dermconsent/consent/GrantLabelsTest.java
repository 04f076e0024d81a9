package org.dermconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.consent.Fixtures.*;
import static org.dermconsent.consent.ImageUse.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantLabelsTest {

    private final ConsentDecider decider = new ConsentDecider();
    private final GrantTimeline timeline = new GrantTimeline(decider);

    @Test
    void withoutConsentAnImageIsLabelledForClinicalCareOnly() {
        Set<String> labels = GrantLabels.at(timeline.compute(image(ID), List.of()), NOW);

        assertThat(labels).containsExactly("clinical-care");
        assertThat(GrantLabels.filterFor(request(CLINICAL_CARE)).matches(labels)).isTrue();
        assertThat(GrantLabels.filterFor(request(AI_TRAINING)).matches(labels)).isFalse();
    }

    @Test
    void deidentifiedOnlyGrantLabelsTheDerivativeButNotTheIdentifiableImage() {
        List<ImageConsent> consents = List.of(active("Consent/1", optIn(
                Provision.permit().withPurposes(AI_TRAINING).withIdentifiability(DEID))));

        assertThat(GrantLabels.at(timeline.compute(image(DEID), consents), NOW))
                .containsExactly("ai-training", "clinical-care");
        assertThat(GrantLabels.at(timeline.compute(image(ID), consents), NOW))
                .containsExactly("clinical-care");
    }

    @Test
    void aNamedActorGetsItsOwnPermitOrDenyLabel() {
        List<ImageConsent> consents = List.of(active("Consent/1", optIn(
                Provision.permit().withPurposes(SECONDARY_USE).withChildren(
                        Provision.deny().withPurposes(RESEARCH).withActors(OTHER_ORG)))));

        Set<String> labels = GrantLabels.at(timeline.compute(image(ID), consents), NOW);

        assertThat(labels).contains("research", "research!" + OTHER_ORG, "education@" + OTHER_ORG)
                .doesNotContain("research@" + OTHER_ORG);
        assertThat(GrantLabels.filterFor(request(RESEARCH, OTHER_ORG)).matches(labels)).isFalse();
        assertThat(GrantLabels.filterFor(request(RESEARCH, "Organization/unnamed")).matches(labels)).isTrue();
        assertThat(GrantLabels.filterFor(request(RESEARCH)).matches(labels)).isTrue();
    }

    @Test
    void labelsChangeOnlyAtGrantBoundaries() {
        List<ImageConsent> consents = List.of(active("Consent/1", optIn(
                Provision.permit().withPurposes(EDUCATION).withPeriod(ProvisionPeriod.between(JAN_2025, JUN_2025)))));
        ImageGrants grants = timeline.compute(image(ID), consents);

        assertThat(GrantLabels.nextChangeAfter(grants, Instant.parse("2024-06-01T00:00:00Z"))).contains(JAN_2025);
        assertThat(GrantLabels.nextChangeAfter(grants, NOW)).contains(JUN_2025);
        assertThat(GrantLabels.nextChangeAfter(grants, JUN_2025)).isEmpty();
        assertThat(GrantLabels.at(grants, NOW)).contains("education");
        assertThat(GrantLabels.at(grants, JUN_2025)).doesNotContain("education");
    }

    /** The property the SQL filter rests on: label match == decide(), for requests with at most one actor. */
    @Test
    void filterOverLabelsAgreesWithDecideOnRandomConsents() {
        Random random = new Random(20261202L);
        long checks = 0;
        long permits = 0;
        for (int i = 0; i < 600; i++) {
            List<ImageConsent> consents = GrantTimelineTest.randomConsents(random);
            ImageFacts image = GrantTimelineTest.randomImage(random);
            ImageGrants grants = timeline.compute(image, consents);
            List<String> actors = new ArrayList<>(GrantTimelineTest.ACTORS);
            actors.add("Organization/unnamed");
            actors.add(null);
            for (Instant time : GrantTimelineTest.probeTimes(random)) {
                Set<String> labels = GrantLabels.at(grants, time);
                for (String actor : actors) {
                    for (ImageUse purpose : ImageUse.leaves()) {
                        AccessRequest request = new AccessRequest(purpose, actor == null ? Set.of() : Set.of(actor), time);
                        boolean decided = decider.decide(image, consents, request).permit();
                        assertThat(GrantLabels.filterFor(request).matches(labels))
                                .as("case %d: %s by %s at %s, labels %s", i, purpose, actor, time, labels)
                                .isEqualTo(decided);
                        checks++;
                        permits += decided ? 1 : 0;
                    }
                }
            }
        }
        assertThat(checks).isGreaterThan(100_000);
        assertThat(permits).isBetween(checks / 20, checks - checks / 20);
    }
}
