package org.dermconsent.consent;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns purposes into {@link ImageUse}s, in the two directions that need different answers:
 * <ul>
 *   <li>{@link #resolveRequested(String)}: what a client asks for (the {@code X-Purpose-Of-Use}
 *       header, or an operation parameter). Strict: exactly one concrete use, or an
 *       {@link InvalidPurposeException}.</li>
 *   <li>{@link #coveredBy(PurposeCode)}: what a purpose written in a consent provision grants or
 *       denies. Lenient but narrow: it never throws, and a code it does not know covers nothing, so
 *       that a typo can never widen a grant.</li>
 * </ul>
 * A bare code (no {@code system|}) is looked up as an image-use code first and then as a mapped v3
 * code; the two code systems share no codes, so this cannot be ambiguous. Codes are case-sensitive.
 */
public final class PurposeResolver {

    /** Appended to every {@link InvalidPurposeException} so clients learn what would work. */
    static final String ACCEPTED_FORMS = "Accepted: an image-use code ("
            + ImageUse.leaves().stream().map(ImageUse::code).collect(Collectors.joining(", "))
            + "), bare or as " + ImageUse.SYSTEM + "|code, or a v3 PurposeOfUse code ("
            + Arrays.stream(V3PurposeOfUse.values()).map(V3PurposeOfUse::code).collect(Collectors.joining(", "))
            + "), bare or as " + V3PurposeOfUse.SYSTEM + "|code";

    private PurposeResolver() {
    }

    /**
     * Parses {@code code} or {@code system|code} without judging the code. Surrounding whitespace is
     * ignored; anything else malformed (empty parts, more than one {@code |}) is rejected.
     */
    public static PurposeCode parse(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidPurposeException(String.valueOf(value), "a purpose is required but was blank");
        }
        String[] parts = value.trim().split("\\|", -1);
        if (parts.length == 1) {
            return PurposeCode.bare(parts[0]);
        }
        if (parts.length == 2 && !parts[0].isBlank() && !parts[1].isBlank()) {
            return PurposeCode.of(parts[0].trim(), parts[1].trim());
        }
        throw new InvalidPurposeException(value, "expected 'code' or 'system|code'");
    }

    /** The concrete use a request header value (or operation parameter) asks for. */
    public static ImageUse resolveRequested(String value) {
        PurposeCode purpose = parse(value);
        return resolveRequested(purpose, value);
    }

    /** The concrete use a parsed request purpose asks for. */
    public static ImageUse resolveRequested(PurposeCode purpose) {
        return resolveRequested(purpose, purpose.toString());
    }

    private static ImageUse resolveRequested(PurposeCode purpose, String original) {
        String system = purpose.system();
        String code = purpose.code();
        Optional<ImageUse> use;
        if (system == null) {
            use = ImageUse.find(code).or(() -> V3PurposeOfUse.find(code).map(V3PurposeOfUse::requestedUse));
        } else if (system.equals(ImageUse.SYSTEM)) {
            use = ImageUse.find(code);
        } else if (system.equals(V3PurposeOfUse.SYSTEM)) {
            use = V3PurposeOfUse.find(code).map(V3PurposeOfUse::requestedUse);
        } else {
            throw new InvalidPurposeException(original, "unknown code system '" + system + "'");
        }
        ImageUse resolved = use.orElseThrow(() -> new InvalidPurposeException(original,
                "unknown code '" + code + "'" + (system == null ? "" : " in " + system)));
        if (resolved.isAbstract()) {
            // A request names one concrete use so that it can be audited and checked exactly.
            throw new InvalidPurposeException(original,
                    "'" + resolved.code() + "' is abstract and cannot be requested; name one concrete use");
        }
        return resolved;
    }

    /**
     * The uses a purpose written in a consent provision grants or denies: an image-use code covers
     * itself and what it subsumes, a mapped v3 code its mapped uses, anything else nothing.
     */
    public static Set<ImageUse> coveredBy(PurposeCode purpose) {
        if (purpose == null) {
            return Set.of();
        }
        String system = purpose.system();
        String code = purpose.code();
        if (system == null) {
            return ImageUse.find(code).map(PurposeResolver::subsumedBy)
                    .or(() -> V3PurposeOfUse.find(code).map(V3PurposeOfUse::coveredUses))
                    .orElse(Set.of());
        }
        if (system.equals(ImageUse.SYSTEM)) {
            return ImageUse.find(code).map(PurposeResolver::subsumedBy).orElse(Set.of());
        }
        if (system.equals(V3PurposeOfUse.SYSTEM)) {
            return V3PurposeOfUse.find(code).map(V3PurposeOfUse::coveredUses).orElse(Set.of());
        }
        return Set.of();
    }

    /**
     * True if DermConsent understands this consent purpose: it covers at least one use, or it is
     * {@link #RECONTACT}, which covers none.
     */
    public static boolean isRecognised(PurposeCode purpose) {
        return !coveredBy(purpose).isEmpty() || isRecontact(purpose);
    }

    /**
     * The image-use code for being asked (consent requests). It is not a use of images: a deny naming
     * it says "do not ask me" and must not be read as an unknown code denying every use.
     */
    public static final String RECONTACT = "recontact";

    /** True for {@link #RECONTACT}, bare or in the image-use system. */
    public static boolean isRecontact(PurposeCode purpose) {
        return purpose != null && RECONTACT.equals(purpose.code())
                && (purpose.system() == null || purpose.system().equals(ImageUse.SYSTEM));
    }

    private static Set<ImageUse> subsumedBy(ImageUse parent) {
        Set<ImageUse> covered = EnumSet.noneOf(ImageUse.class);
        for (ImageUse use : ImageUse.values()) {
            if (parent.subsumes(use)) {
                covered.add(use);
            }
        }
        return Set.copyOf(covered);
    }
}
