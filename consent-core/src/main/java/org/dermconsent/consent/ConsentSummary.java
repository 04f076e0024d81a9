package org.dermconsent.consent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A patient's choices at one instant, for the {@code $image-consent-summary} operation: the decision
 * for every concrete use and identifiability, as it applies to any requester the consent does not
 * name and to any image it does not name. Grants limited to named actors or specific images are
 * therefore not shown as permitted here.
 *
 * @param at               the instant the summary describes
 * @param governingConsent the governing consent, or null when the default policy applies
 * @param decisions        one per {@link ImageUse#leaves()} x {@link Identifiability}, in that order
 */
public record ConsentSummary(Instant at, String governingConsent, List<Decision> decisions) {

    public ConsentSummary {
        Objects.requireNonNull(at, "at");
        decisions = List.copyOf(decisions);
    }

    public static ConsentSummary of(Collection<ImageConsent> consentsOfPatient, Instant at, ConsentDecider decider) {
        List<Decision> decisions = new ArrayList<>();
        for (ImageUse purpose : ImageUse.leaves()) {
            for (Identifiability identifiability : Identifiability.values()) {
                decisions.add(decider.decide(ImageFacts.anyImage(identifiability), consentsOfPatient,
                        new AccessRequest(purpose, Set.of(), at)));
            }
        }
        String governing = GoverningConsent.select(consentsOfPatient).map(ImageConsent::id).orElse(null);
        return new ConsentSummary(at, governing, decisions);
    }

    public Decision decisionFor(ImageUse purpose, Identifiability identifiability) {
        return decisions.stream()
                .filter(decision -> decision.purpose() == purpose && decision.identifiability() == identifiability)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No decision for " + purpose + "/" + identifiability));
    }
}
