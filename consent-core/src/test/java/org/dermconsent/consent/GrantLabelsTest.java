package org.dermconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.consent.Fixtures.*;
import static org.dermconsent.consent.ImageUse.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    @Test
    void stampedLabelsAnswerOnlyUntilTheirNextBoundary() {
        List<ImageConsent> consents = List.of(active("Consent/1", optIn(
                Provision.permit().withPurposes(EDUCATION).withPeriod(ProvisionPeriod.between(JAN_2025, JUN_2025)))));
        Set<String> labels = GrantLabels.stampedAt(timeline.compute(image(ID), consents), NOW);

        assertThat(labels).contains("education", "valid-until=" + JUN_2025);
        assertThat(GrantLabels.permits(labels, request(EDUCATION))).contains(true);
        assertThat(GrantLabels.permits(labels, request(AI_TRAINING))).contains(false);
        assertThat(GrantLabels.permits(labels, new AccessRequest(EDUCATION, Set.of(), JUN_2025))).isEmpty();
        assertThat(GrantLabels.permits(labels, request(EDUCATION, OTHER_ORG, "Organization/second"))).isEmpty();
    }

    @Test
    void labelsWithoutAValidStampCannotAnswer() {
        assertThat(GrantLabels.permits(Set.of("ai-training"), request(AI_TRAINING))).isEmpty();
        assertThat(GrantLabels.permits(Set.of("ai-training", "valid-until=soon"), request(AI_TRAINING))).isEmpty();
        assertThat(GrantLabels.permits(Set.of("ai-training", "valid-until=ever", "valid-until=" + JUN_2025),
                request(AI_TRAINING))).isEmpty();
        assertThat(GrantLabels.permits(Set.of("ai-training", "valid-until=ever"), request(AI_TRAINING))).contains(true);
    }

    /**
     * The property the post-check's shortcut rests on: labels stamped at any earlier instant, when they
     * answer at all, answer as decide() does now.
     */
    @Test
    void stampedLabelsAgreeWithDecideWheneverTheyAnswer() {
        Random random = new Random(20261203L);
        long answered = 0;
        long unanswered = 0;
        for (int i = 0; i < 400; i++) {
            List<ImageConsent> consents = GrantTimelineTest.randomConsents(random);
            ImageFacts image = GrantTimelineTest.randomImage(random);
            ImageGrants grants = timeline.compute(image, consents);
            List<Instant> times = GrantTimelineTest.probeTimes(random).stream().sorted().toList();
            for (int written = 0; written < times.size(); written++) {
                Set<String> labels = GrantLabels.stampedAt(grants, times.get(written));
                for (Instant asked : times.subList(written, times.size())) {
                    for (String actor : new String[] {null, GrantTimelineTest.ACTORS.get(0), "Organization/unnamed"}) {
                        for (ImageUse purpose : ImageUse.leaves()) {
                            AccessRequest request = new AccessRequest(purpose, actor == null ? Set.of() : Set.of(actor), asked);
                            Optional<Boolean> fromLabels = GrantLabels.permits(labels, request);
                            if (fromLabels.isPresent()) {
                                assertThat(fromLabels.get())
                                        .as("case %d: %s by %s at %s, labels of %s %s", i, purpose, actor, asked, times.get(written), labels)
                                        .isEqualTo(decider.decide(image, consents, request).permit());
                                answered++;
                            } else {
                                unanswered++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(answered).isGreaterThan(10_000);
        assertThat(unanswered).isGreaterThan(1_000);
    }

    @Test
    void aGrantIsLostWhenAUseOrANamedGrantGoesOrANamedDenialComes() {
        Set<String> before = Set.of("clinical-care", "ai-training", "research@Device/lab", "valid-until=ever");

        assertThat(GrantLabels.losesAGrant(before, Set.of("clinical-care", "research@Device/lab", "valid-until=ever"))).isTrue();
        assertThat(GrantLabels.losesAGrant(before, Set.of("clinical-care", "ai-training", "valid-until=ever"))).isTrue();
        assertThat(GrantLabels.losesAGrant(before, Set.of("clinical-care", "ai-training", "research@Device/lab",
                "ai-training!Device/lab", "valid-until=ever"))).isTrue();
        // a new grant or a new stamp takes nothing away; neither does a denial going away
        assertThat(GrantLabels.losesAGrant(before, Set.of("clinical-care", "ai-training", "research@Device/lab",
                "education", "valid-until=2030-01-01T00:00:00Z"))).isFalse();
        assertThat(GrantLabels.losesAGrant(Set.of("ai-training", "ai-training!Device/lab"), Set.of("ai-training"))).isFalse();
    }
}
