package org.dermconsent.consent;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One Consent.provision, reduced to what the decision needs. Every restriction that is empty (or a
 * null period) means "no restriction" on that dimension, as in FHIR.
 *
 * @param type            permit or deny
 * @param purposes        the purposes it applies to; empty = every purpose
 * @param identifiability the identifiability security labels it applies to; empty = both
 * @param period          when it applies; null is normalised to {@link ProvisionPeriod#ALWAYS}
 * @param actors          references ("Organization/1", "Client/research-platform") it applies to;
 *                        empty = any actor. Compared as exact strings: the server passes relative,
 *                        unversioned references on both sides.
 * @param data            Media references ("Media/123") it applies to; empty = all images
 * @param children        nested provisions: exceptions to this one
 */
public record Provision(
        ProvisionType type,
        List<PurposeCode> purposes,
        Set<Identifiability> identifiability,
        ProvisionPeriod period,
        Set<String> actors,
        Set<String> data,
        List<Provision> children) {

    public Provision {
        Objects.requireNonNull(type, "type");
        purposes = purposes == null ? List.of() : List.copyOf(purposes);
        identifiability = identifiability == null ? Set.of() : Set.copyOf(identifiability);
        period = period == null ? ProvisionPeriod.ALWAYS : period;
        actors = actors == null ? Set.of() : Set.copyOf(actors);
        data = data == null ? Set.of() : Set.copyOf(data);
        children = children == null ? List.of() : List.copyOf(children);
    }

    /** An unrestricted provision of this type; narrow it with the {@code with...} methods. */
    public static Provision of(ProvisionType type) {
        return new Provision(type, List.of(), Set.of(), ProvisionPeriod.ALWAYS, Set.of(), Set.of(), List.of());
    }

    public static Provision permit() {
        return of(ProvisionType.PERMIT);
    }

    public static Provision deny() {
        return of(ProvisionType.DENY);
    }

    public Provision withPurposes(PurposeCode... newPurposes) {
        return new Provision(type, List.of(newPurposes), identifiability, period, actors, data, children);
    }

    /** Convenience for image-use codes, written with the image-use system. */
    public Provision withPurposes(ImageUse... uses) {
        return withPurposes(Arrays.stream(uses).map(PurposeCode::of).toArray(PurposeCode[]::new));
    }

    public Provision withIdentifiability(Identifiability... labels) {
        return new Provision(type, purposes, Set.of(labels), period, actors, data, children);
    }

    public Provision withPeriod(ProvisionPeriod newPeriod) {
        return new Provision(type, purposes, identifiability, newPeriod, actors, data, children);
    }

    public Provision withActors(String... references) {
        return new Provision(type, purposes, identifiability, period, Set.of(references), data, children);
    }

    public Provision withData(String... mediaReferences) {
        return new Provision(type, purposes, identifiability, period, actors, Set.of(mediaReferences), children);
    }

    public Provision withChildren(Provision... nested) {
        return new Provision(type, purposes, identifiability, period, actors, data, List.of(nested));
    }
}
