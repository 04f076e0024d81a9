package org.dermconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.consent.Fixtures.*;
import static org.dermconsent.consent.ImageUse.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantTimelineTest {

    private final ConsentDecider decider = new ConsentDecider();
    private final GrantTimeline timeline = new GrantTimeline(decider);

    @Test
    void withoutConsentOnlyClinicalCareForEveryoneForever() {
        ImageGrants grants = timeline.compute(image(ID), List.of());

        assertThat(grants.governingConsent()).isNull();
        assertThat(grants.namedActors()).isEmpty();
        assertThat(grants.grants()).containsExactly(new Grant(CLINICAL_CARE, null, null, null));
    }

    @Test
    void periodsBecomeValidityAndAdjacentPeriodsMerge() {
        List<ImageConsent> consents = List.of(active("Consent/1", optIn(
                Provision.permit().withPurposes(AI_TRAINING).withIdentifiability(DEID)
                        .withPeriod(ProvisionPeriod.between(JAN_2025, JUN_2025)),
                Provision.permit().withPurposes(AI_TRAINING)
                        .withPeriod(ProvisionPeriod.between(JUN_2025, JAN_2026)),
                Provision.permit().withPurposes(EDUCATION).withActors(UNIVERSITY)
                        .withPeriod(ProvisionPeriod.from(JUN_2025)))));

        ImageGrants grants = timeline.compute(image(DEID), consents);

        assertThat(grants.governingConsent()).isEqualTo("Consent/1");
        assertThat(grants.namedActors()).containsExactly(UNIVERSITY);
        assertThat(grants.grants()).containsExactly(
                new Grant(CLINICAL_CARE, UNIVERSITY, null, null),
                new Grant(CLINICAL_CARE, null, null, null),
                new Grant(EDUCATION, UNIVERSITY, JUN_2025, null),
                new Grant(AI_TRAINING, UNIVERSITY, JAN_2025, JAN_2026),
                new Grant(AI_TRAINING, null, JAN_2025, JAN_2026));
    }

    @Test
    void identifiableImageGetsOnlyWhatCoversIdentifiableImages() {
        List<ImageConsent> consents = List.of(active("Consent/1", optIn(
                Provision.permit().withPurposes(AI_TRAINING).withIdentifiability(DEID),
                Provision.permit().withPurposes(RESEARCH))));

        assertThat(timeline.compute(image(null), consents).grants()).containsExactly(
                new Grant(CLINICAL_CARE, null, null, null),
                new Grant(RESEARCH, null, null, null));
    }

    @Test
    void aNamedActorDeniedWhatEveryoneElseGetsHasNoGrantAndNoFallback() {
        List<ImageConsent> consents = List.of(active("Consent/1", optIn(
                Provision.permit().withPurposes(SECONDARY_USE).withChildren(
                        Provision.deny().withPurposes(RESEARCH).withActors(OTHER_ORG)))));

        ImageGrants grants = timeline.compute(image(ID), consents);

        assertThat(grants.grants()).doesNotContain(new Grant(RESEARCH, OTHER_ORG, null, null))
                .contains(new Grant(RESEARCH, null, null, null), new Grant(EDUCATION, OTHER_ORG, null, null));
        assertThat(grants.permits(RESEARCH, OTHER_ORG, NOW)).isFalse();
        assertThat(grants.permits(RESEARCH, "Organization/not-named", NOW)).isTrue();
        assertThat(grants.permits(RESEARCH, null, NOW)).isTrue();
    }

    @Test
    void aDerivativeIsCoveredByAGrantNamingItsSource() {
        List<ImageConsent> consents = List.of(active("Consent/1", optIn(
                Provision.permit().withPurposes(PUBLICATION).withData("Media/100"))));

        assertThat(timeline.compute(ImageFacts.derivative("Media/200", "Media/100"), consents).grants())
                .contains(new Grant(PUBLICATION, null, null, null));
        assertThat(timeline.compute(ImageFacts.of("Media/300", DEID), consents).grants())
                .doesNotContain(new Grant(PUBLICATION, null, null, null));
    }

    // ---------------------------------------------------------------------------------------------
    // Property: the grants agree with decide() for every use, actor and instant, on random consents.
    // ---------------------------------------------------------------------------------------------

    private static final List<Instant> INSTANTS = List.of(
            Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-07-01T00:00:00Z"), JAN_2025, JUN_2025,
            JAN_2026, Instant.parse("2026-07-01T00:00:00Z"));
    static final List<String> ACTORS = List.of(RESEARCH_PLATFORM, UNIVERSITY, "Practitioner/derm");
    private static final List<String> MEDIA = List.of("Media/1", "Media/source", "Media/9");
    private static final List<PurposeCode> PURPOSES = purposePool();

    private static List<PurposeCode> purposePool() {
        List<PurposeCode> pool = new ArrayList<>();
        for (ImageUse use : ImageUse.values()) {
            pool.add(PurposeCode.of(use));
        }
        for (V3PurposeOfUse v3 : V3PurposeOfUse.values()) {
            pool.add(PurposeCode.of(v3));
        }
        pool.add(PurposeCode.bare("research"));
        pool.add(PurposeCode.bare("TREAT"));
        pool.add(PurposeCode.of(ImageUse.SYSTEM, "unknown-use"));
        pool.add(PurposeCode.of("http://example.org/uses", "ai-training"));
        return List.copyOf(pool);
    }

    @Test
    void grantsAgreeWithDecideOnRandomConsents() {
        Random random = new Random(20250611L);
        int cases = 600;
        long checks = 0;
        int casesWithSomeSecondaryGrant = 0;
        for (int i = 0; i < cases; i++) {
            List<ImageConsent> consents = randomConsents(random);
            ImageFacts image = randomImage(random);
            ImageGrants grants = timeline.compute(image, consents);

            assertWellFormed(grants);
            if (grants.grants().stream().anyMatch(g -> g.purpose() != CLINICAL_CARE)) {
                casesWithSomeSecondaryGrant++;
            }
            List<String> actors = new ArrayList<>(ACTORS);
            actors.add("Organization/unnamed");
            actors.add(null);
            for (Instant time : probeTimes(random)) {
                for (String actor : actors) {
                    for (ImageUse purpose : ImageUse.leaves()) {
                        AccessRequest request = new AccessRequest(purpose, actor == null ? Set.of() : Set.of(actor), time);
                        boolean decided = decider.decide(image, consents, request).permit();
                        assertThat(grants.permits(purpose, actor, time))
                                .as("case %d: %s by %s at %s on %s under %s", i, purpose, actor, time, image, consents)
                                .isEqualTo(decided);
                        checks++;
                    }
                }
            }
        }
        // Guard against a generator that only ever produces trivial consents.
        assertThat(casesWithSomeSecondaryGrant).isGreaterThan(cases / 5);
        assertThat(checks).isGreaterThan(100_000);
    }

    /** Grants of one purpose and actor are disjoint and never adjacent (adjacent ones must merge). */
    private static void assertWellFormed(ImageGrants grants) {
        Set<String> keys = new HashSet<>();
        grants.grants().forEach(g -> keys.add(g.purpose() + "|" + g.actor()));
        for (String key : keys) {
            List<Grant> spans = grants.grants().stream()
                    .filter(g -> key.equals(g.purpose() + "|" + g.actor()))
                    .sorted(Comparator.comparing(Grant::validFrom, Comparator.nullsFirst(Comparator.naturalOrder())))
                    .toList();
            for (int j = 1; j < spans.size(); j++) {
                Instant previousEnd = spans.get(j - 1).validTo();
                assertThat(previousEnd).as("only the last span may be open-ended: %s", spans).isNotNull();
                assertThat(spans.get(j).validFrom()).as("spans disjoint and not adjacent: %s", spans).isAfter(previousEnd);
            }
        }
        assertThat(grants.grants()).allSatisfy(g -> assertThat(g.actor() == null || grants.namedActors().contains(g.actor())).isTrue());
    }

    static List<Instant> probeTimes(Random random) {
        List<Instant> times = new ArrayList<>(List.of(Instant.MIN, Instant.MAX, Instant.EPOCH));
        for (Instant instant : INSTANTS) {
            times.add(instant);
            times.add(instant.minusNanos(1));
            times.add(instant.plusNanos(1));
        }
        for (int k = 0; k < 4; k++) {
            times.add(INSTANTS.get(0).plusSeconds((long) (random.nextDouble() * 3 * 365 * 24 * 3600)));
        }
        return times;
    }

    static ImageFacts randomImage(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> ImageFacts.derivative("Media/2", "Media/source");
            case 1 -> ImageFacts.of("Media/1", null);
            case 2 -> ImageFacts.of("Media/1", ID);
            default -> ImageFacts.of("Media/1", DEID);
        };
    }

    static List<ImageConsent> randomConsents(Random random) {
        int count = random.nextInt(4); // 0..3, so "no consent" is covered too
        List<ImageConsent> consents = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            ConsentStatus status = random.nextInt(10) < 7
                    ? ConsentStatus.ACTIVE
                    : ConsentStatus.values()[random.nextInt(ConsentStatus.values().length)];
            Instant dateTime = random.nextInt(10) == 0 ? null : pick(random, INSTANTS);
            Provision root = random.nextInt(20) == 0 ? null : randomProvision(random, 0);
            // some consents were given by a guardian and stop governing at the patient's majority
            Instant governsUntil = random.nextInt(4) == 0 ? pick(random, INSTANTS) : null;
            consents.add(new ImageConsent("Consent/" + c, status, dateTime, root, governsUntil));
        }
        return consents;
    }

    private static Provision randomProvision(Random random, int depth) {
        ProvisionType type = depth == 0
                ? (random.nextInt(10) < 7 ? ProvisionType.DENY : ProvisionType.PERMIT)
                : (random.nextInt(10) < 6 ? ProvisionType.PERMIT : ProvisionType.DENY);
        // The opt-in root usually has no restrictions of its own.
        boolean restricted = depth > 0 || random.nextInt(4) == 0;
        List<PurposeCode> purposes = restricted && random.nextInt(10) < 7 ? sample(random, PURPOSES, 1 + random.nextInt(2)) : List.of();
        Set<Identifiability> labels = restricted && random.nextInt(10) < 4
                ? Set.of(Identifiability.values()[random.nextInt(2)]) : Set.of();
        ProvisionPeriod period = restricted && random.nextInt(10) < 5 ? randomPeriod(random) : ProvisionPeriod.ALWAYS;
        Set<String> actors = restricted && random.nextInt(10) < 4 ? Set.copyOf(sample(random, ACTORS, 1 + random.nextInt(2))) : Set.of();
        Set<String> data = restricted && random.nextInt(10) < 2 ? Set.copyOf(sample(random, MEDIA, 1 + random.nextInt(2))) : Set.of();
        List<Provision> children = new ArrayList<>();
        int childCount = depth >= 3 ? 0 : random.nextInt(depth == 0 ? 4 : 3);
        for (int k = 0; k < childCount; k++) {
            children.add(randomProvision(random, depth + 1));
        }
        return new Provision(type, purposes, labels, period, actors, data, children);
    }

    private static ProvisionPeriod randomPeriod(Random random) {
        Instant start = random.nextInt(3) == 0 ? null : pick(random, INSTANTS);
        Instant end = random.nextInt(3) == 0 ? null : pick(random, INSTANTS);
        if (random.nextInt(8) == 0 && start != null) {
            start = start.plusSeconds(1 + random.nextInt(100_000)); // a breakpoint off the common grid
        }
        return new ProvisionPeriod(start, end); // end before start is allowed: an empty period
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static <T> List<T> sample(Random random, List<T> values, int n) {
        List<T> copy = new ArrayList<>(values);
        java.util.Collections.shuffle(copy, random);
        return List.copyOf(copy.subList(0, Math.min(n, copy.size())));
    }
}
