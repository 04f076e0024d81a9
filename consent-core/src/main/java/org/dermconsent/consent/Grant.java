package org.dermconsent.consent;

import java.time.Instant;
import java.util.Objects;

/**
 * One precomputed permission of one image: {@code purpose} is permitted to {@code actor} from
 * {@code validFrom} (inclusive) until {@code validTo} (exclusive). The server does not store grants
 * as rows: it writes them onto the image as grant labels ({@link GrantLabels}), which searches
 * filter on in SQL.
 *
 * @param purpose   a concrete use
 * @param actor     a reference named somewhere in the governing consent, or null for every actor the
 *                  consent does not name (and for requests without an actor)
 * @param validFrom null = since ever
 * @param validTo   null = for ever
 */
public record Grant(ImageUse purpose, String actor, Instant validFrom, Instant validTo) {

    public Grant {
        Objects.requireNonNull(purpose, "purpose");
    }

    public boolean covers(Instant time) {
        return (validFrom == null || !time.isBefore(validFrom)) && (validTo == null || time.isBefore(validTo));
    }
}
