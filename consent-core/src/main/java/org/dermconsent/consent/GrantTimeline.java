package org.dermconsent.consent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Precomputes, for one image, every (use, actor, time span) in which {@link ConsentDecider} permits,
 * so that the server can filter searches in SQL instead of after fetching a page.
 *
 * <p>The governing consent does not depend on time, and a provision's match only changes at its own
 * period boundaries or where the consent stops governing ({@link ImageConsent#governsUntil()}); between two consecutive boundaries every decision is constant. Likewise the
 * only actors a decision can tell apart are those the consent names, plus "anyone else". So calling
 * {@code decide()} once per use x actor class x segment, at a point inside the segment, reproduces
 * {@code decide()} for every instant and actor. Calling {@code decide()} itself (rather than a second
 * implementation of the rules) is what keeps the two in agreement.
 *
 * <p>Recompute whenever a consent of the patient, or the image's label or source, changes.
 */
public final class GrantTimeline {

    private final ConsentDecider decider;

    public GrantTimeline(ConsentDecider decider) {
        this.decider = Objects.requireNonNull(decider, "decider");
    }

    public GrantTimeline() {
        this(new ConsentDecider());
    }

    public ImageGrants compute(ImageFacts image, Collection<ImageConsent> consentsOfPatient) {
        Objects.requireNonNull(image, "image");
        Optional<ImageConsent> governing = GoverningConsent.select(consentsOfPatient);
        Provision root = governing.map(ImageConsent::root).orElse(null);
        Set<String> namedActors = namedActors(root);
        TreeSet<Instant> breakpoints = breakpoints(root);
        governing.map(ImageConsent::governsUntil).ifPresent(breakpoints::add);
        List<Segment> segments = segments(breakpoints);

        List<String> actorClasses = new ArrayList<>(namedActors);
        actorClasses.add(null); // anyone the consent does not name
        List<Grant> grants = new ArrayList<>();
        for (ImageUse purpose : ImageUse.leaves()) {
            for (String actor : actorClasses) {
                grants.addAll(grantsFor(image, consentsOfPatient, purpose, actor, segments));
            }
        }
        return new ImageGrants(image.mediaRef(), governing.map(ImageConsent::id).orElse(null), namedActors, grants);
    }

    /** Walks the segments in time order, merging consecutive permitted ones into one grant. */
    private List<Grant> grantsFor(ImageFacts image, Collection<ImageConsent> consents, ImageUse purpose,
            String actor, List<Segment> segments) {
        List<Grant> grants = new ArrayList<>();
        Segment open = null;
        for (Segment segment : segments) {
            AccessRequest request = actor == null
                    ? new AccessRequest(purpose, Set.of(), segment.probe())
                    : new AccessRequest(purpose, Set.of(actor), segment.probe());
            boolean permitted = decider.decide(image, consents, request).permit();
            if (permitted) {
                open = open == null ? segment : new Segment(open.from(), segment.to(), open.probe());
            } else if (open != null) {
                grants.add(new Grant(purpose, actor, open.from(), open.to()));
                open = null;
            }
        }
        if (open != null) {
            grants.add(new Grant(purpose, actor, open.from(), open.to()));
        }
        return grants;
    }

    private static Set<String> namedActors(Provision root) {
        Set<String> actors = new TreeSet<>();
        ProvisionTree.forEach(root, provision -> actors.addAll(provision.actors()));
        return actors;
    }

    private static TreeSet<Instant> breakpoints(Provision root) {
        TreeSet<Instant> breakpoints = new TreeSet<>();
        ProvisionTree.forEach(root, provision -> {
            if (provision.period().start() != null) {
                breakpoints.add(provision.period().start());
            }
            if (provision.period().end() != null) {
                breakpoints.add(provision.period().end());
            }
        });
        return breakpoints;
    }

    /**
     * Cuts time at the breakpoints into half-open segments [from, to), open-ended at both extremes,
     * each with an instant inside it at which to ask decide().
     */
    private static List<Segment> segments(TreeSet<Instant> breakpoints) {
        List<Segment> segments = new ArrayList<>();
        if (breakpoints.isEmpty()) {
            segments.add(new Segment(null, null, Instant.EPOCH));
            return segments;
        }
        Instant first = breakpoints.first();
        if (first.isAfter(Instant.MIN)) {
            segments.add(new Segment(null, first, Instant.MIN));
        }
        Instant from = null;
        for (Instant breakpoint : breakpoints) {
            if (from != null) {
                segments.add(new Segment(from, breakpoint, from));
            }
            from = breakpoint;
        }
        segments.add(new Segment(from, null, from));
        return segments;
    }

    /** A span of time [from, to) in which every decision is the same as at {@code probe}. */
    private record Segment(Instant from, Instant to, Instant probe) {
    }
}
