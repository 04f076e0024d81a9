package org.dermconsent.consent;

import static org.dermconsent.consent.ConsentStatus.ACTIVE;

import java.time.Instant;

/** Shared vocabulary for the tests, so that each case reads like the consent it describes. */
final class Fixtures {

    static final Instant JAN_2025 = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant JUN_2025 = Instant.parse("2025-06-01T00:00:00Z");
    static final Instant JAN_2026 = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant NOW = Instant.parse("2025-03-15T12:00:00Z");

    static final String RESEARCH_PLATFORM = "Client/research-platform";
    static final String UNIVERSITY = "Organization/university";
    static final String OTHER_ORG = "Organization/other";

    static final Identifiability ID = Identifiability.IDENTIFIABLE;
    static final Identifiability DEID = Identifiability.DEIDENTIFIED;

    private Fixtures() {
    }

    static ImageConsent active(String id, Instant dateTime, Provision root) {
        return new ImageConsent(id, ACTIVE, dateTime, root);
    }

    static ImageConsent active(String id, Provision root) {
        return active(id, JAN_2025, root);
    }

    /** The usual opt-in shape: root deny with the given nested provisions. */
    static Provision optIn(Provision... nested) {
        return Provision.deny().withChildren(nested);
    }

    static PurposeCode v3(String code) {
        return PurposeCode.of(V3PurposeOfUse.SYSTEM, code);
    }

    static ImageFacts image(Identifiability identifiability) {
        return ImageFacts.of("Media/1", identifiability);
    }

    static AccessRequest request(ImageUse purpose, String... actors) {
        return AccessRequest.of(purpose, NOW, actors);
    }
}
