package org.dermconsent.consent;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Who wants to use an image, for what, and when.
 *
 * @param purpose the concrete use requested (abstract uses are rejected: see {@link PurposeResolver})
 * @param actors  references identifying the requester (client, organization, practitioner); may be
 *                empty, in which case no actor-restricted provision applies
 * @param time    the instant of the request
 */
public record AccessRequest(ImageUse purpose, Set<String> actors, Instant time) {

    public AccessRequest {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(time, "time");
        if (purpose.isAbstract()) {
            throw new IllegalArgumentException("A request must name a concrete use, not " + purpose.code());
        }
        actors = actors == null ? Set.of() : Set.copyOf(actors);
    }

    public static AccessRequest of(ImageUse purpose, Instant time, String... actors) {
        return new AccessRequest(purpose, Set.of(actors), time);
    }
}
