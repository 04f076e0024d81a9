package org.dermconsent.consent;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything one image is permitted for, precomputed by {@link GrantTimeline}.
 *
 * <p>How to look a request up (and what the grant labels, {@link GrantLabels}, encode for the server's
 * SQL filter): a request by an actor named in
 * the consent ({@link #namedActors()}) is permitted iff a grant for that actor covers the purpose and
 * time; any other request (an actor the consent does not name, or no actor) iff a grant with a null
 * actor does. Named actors are kept apart because a consent can deny a named actor what everyone else
 * may do. Exact for requests carrying at most one actor.
 *
 * @param mediaRef          the image
 * @param governingConsent  the consent the grants were derived from, or null (default policy)
 * @param namedActors       every actor reference named by a provision of that consent
 * @param grants            the permissions, merged so that adjacent time segments do not repeat
 */
public record ImageGrants(String mediaRef, String governingConsent, Set<String> namedActors, List<Grant> grants) {

    public ImageGrants {
        namedActors = Set.copyOf(namedActors);
        grants = List.copyOf(grants);
    }

    /** The reference lookup: agrees with {@link ConsentDecider#decide} for a request with this actor. */
    public boolean permits(ImageUse purpose, String actor, Instant time) {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(time, "time");
        String actorClass = actor != null && namedActors.contains(actor) ? actor : null;
        return grants.stream().anyMatch(grant -> grant.purpose() == purpose
                && Objects.equals(grant.actor(), actorClass)
                && grant.covers(time));
    }
}
