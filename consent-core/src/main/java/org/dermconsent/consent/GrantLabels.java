package org.dermconsent.consent;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The grants of one image at one instant, written as codes a database can index, and the filter over
 * those codes that selects exactly the images a request may see. This is the one place that says how
 * "may this request use this image" becomes a query; the server stores the codes as security labels
 * on the image and adds the filter to every image search.
 *
 * <p>Codes, for a concrete use {@code U} and an actor reference {@code A} named by the consent:
 * <ul>
 *   <li>{@code U}: permitted to every requester the consent does not name;</li>
 *   <li>{@code U@A}: permitted to A;</li>
 *   <li>{@code U!A}: denied to A (A is named, so the unnamed grant {@code U} does not speak for A).</li>
 * </ul>
 * A request with actors {@code A1..An} for use {@code U} matches an image iff the image has one of
 * {@code U, U@A1..U@An} and none of {@code U!A1..U!An}. For requests with at most one actor this is
 * exactly {@link ImageGrants#permits}; the server's post-check decides the rest exactly.
 */
public final class GrantLabels {

    /** The security-label system the codes live in; reserved to the server. */
    public static final String SYSTEM = "https://dermconsent.org/fhir/CodeSystem/granted-use";

    /** Prefix of the one code of {@link #stampedAt} that says until when the others hold. */
    static final String VALID_UNTIL = "valid-until=";
    static final String VALID_FOR_EVER = VALID_UNTIL + "ever";

    private GrantLabels() {}

    /** The codes describing what the image is permitted for at {@code time}. */
    public static Set<String> at(ImageGrants grants, Instant time) {
        Objects.requireNonNull(grants, "grants");
        Objects.requireNonNull(time, "time");
        Set<String> codes = new TreeSet<>();
        for (ImageUse use : ImageUse.leaves()) {
            if (grants.permits(use, null, time)) {
                codes.add(use.code());
            }
            for (String actor : grants.namedActors()) {
                codes.add(grants.permits(use, actor, time) ? permittedTo(use, actor) : deniedTo(use, actor));
            }
        }
        return codes;
    }

    /**
     * {@link #at} plus one code saying until when they hold ({@link #nextChangeAfter}), so that
     * whoever reads them later can tell whether they still hold: see {@link #permits}.
     */
    public static Set<String> stampedAt(ImageGrants grants, Instant time) {
        Set<String> codes = at(grants, time);
        codes.add(nextChangeAfter(grants, time).map(until -> VALID_UNTIL + until).orElse(VALID_FOR_EVER));
        return codes;
    }

    /**
     * What an image's codes, written by {@link #stampedAt}, say about {@code request}, when they can
     * say it exactly: empty if they carry no stamp (they were not written by {@code stampedAt}), if
     * the request falls at or after the instant the stamp names, or if the request names more than one
     * actor (the codes are exact for at most one). The answer then has to come from the consents.
     */
    public static Optional<Boolean> permits(Set<String> codes, AccessRequest request) {
        if (request.actors().size() > 1) {
            return Optional.empty();
        }
        Optional<String> stamp = codes.stream().filter(code -> code.startsWith(VALID_UNTIL)).findFirst();
        if (stamp.isEmpty() || codes.stream().filter(code -> code.startsWith(VALID_UNTIL)).count() > 1) {
            return Optional.empty();
        }
        if (!stamp.get().equals(VALID_FOR_EVER)) {
            Optional<Instant> until = parseInstant(stamp.get().substring(VALID_UNTIL.length()));
            if (until.isEmpty() || !request.time().isBefore(until.get())) {
                return Optional.empty();
            }
        }
        return Optional.of(filterFor(request).matches(codes));
    }

    private static Optional<Instant> parseInstant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The first instant after {@code time} at which {@link #at} may give other codes (a grant starts
     * or ends), or empty if the codes hold for ever.
     */
    public static Optional<Instant> nextChangeAfter(ImageGrants grants, Instant time) {
        return grants.grants().stream()
                .flatMap(grant -> java.util.stream.Stream.of(grant.validFrom(), grant.validTo()))
                .filter(Objects::nonNull)
                .filter(boundary -> boundary.isAfter(time))
                .min(Instant::compareTo);
    }

    /** The filter that selects the images {@code request} may see (time is applied when codes are written). */
    public static Filter filterFor(AccessRequest request) {
        Set<String> anyOf = new TreeSet<>();
        Set<String> noneOf = new TreeSet<>();
        anyOf.add(request.purpose().code());
        for (String actor : request.actors()) {
            anyOf.add(permittedTo(request.purpose(), actor));
            noneOf.add(deniedTo(request.purpose(), actor));
        }
        return new Filter(Set.copyOf(anyOf), Set.copyOf(noneOf));
    }

    static String permittedTo(ImageUse use, String actor) {
        return use.code() + "@" + actor;
    }

    /**
     * Whether going from codes {@code before} to {@code after} takes a permission away from someone:
     * a use permitted to every unnamed requester or to a named one is gone, or a named requester is
     * now denied a use. Only the stamp changing ({@link #stampedAt}) takes nothing away.
     */
    public static boolean losesAGrant(Set<String> before, Set<String> after) {
        for (String code : before) {
            if (!code.startsWith(VALID_UNTIL) && !code.contains("!") && !after.contains(code)) {
                return true;
            }
        }
        for (String code : after) {
            if (code.contains("!") && !before.contains(code)) {
                return true;
            }
        }
        return false;
    }

    static String deniedTo(ImageUse use, String actor) {
        return use.code() + "!" + actor;
    }

    /**
     * An image matches iff it carries at least one of {@code anyOf} and none of {@code noneOf}.
     */
    public record Filter(Set<String> anyOf, Set<String> noneOf) {

        public boolean matches(Set<String> codes) {
            return anyOf.stream().anyMatch(codes::contains) && noneOf.stream().noneMatch(codes::contains);
        }
    }
}
