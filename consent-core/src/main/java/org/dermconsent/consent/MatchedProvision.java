package org.dermconsent.consent;

/**
 * A provision that applies to a request, with where it sits in its consent.
 *
 * @param provision the provision
 * @param path      FHIRPath-like location, e.g. "provision.provision[1]" (indexes are 0-based)
 * @param depth     0 for the root; the deeper, the more specific
 * @param order     position in document (pre-order) order, for deterministic tie-breaking
 */
record MatchedProvision(Provision provision, String path, int depth, int order) {

    ProvisionType type() {
        return provision.type();
    }
}
