package org.dermconsent.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Walks a consent's provision tree. */
final class ProvisionTree {

    static final String ROOT_PATH = "provision";

    private ProvisionTree() {
    }

    /**
     * Every provision that applies to the request, in document order. A nested provision is an
     * exception to its parent, so it only counts when its parent applies too.
     */
    static List<MatchedProvision> matching(Provision root, ImageFacts image, AccessRequest request) {
        List<MatchedProvision> matches = new ArrayList<>();
        if (root != null) {
            collect(root, ROOT_PATH, 0, image, request, matches, new int[] {0});
        }
        return matches;
    }

    private static void collect(Provision provision, String path, int depth, ImageFacts image,
            AccessRequest request, List<MatchedProvision> matches, int[] order) {
        int position = order[0]++;
        if (!ProvisionMatcher.matches(provision, image, request)) {
            return;
        }
        matches.add(new MatchedProvision(provision, path, depth, position));
        List<Provision> children = provision.children();
        for (int i = 0; i < children.size(); i++) {
            collect(children.get(i), path + ".provision[" + i + "]", depth + 1, image, request, matches, order);
        }
    }

    /** Visits every provision of the tree, matching or not. */
    static void forEach(Provision root, Consumer<Provision> visitor) {
        if (root == null) {
            return;
        }
        visitor.accept(root);
        root.children().forEach(child -> forEach(child, visitor));
    }
}
