package org.dermconsent.consent;

/** Consent.status. Only {@link #ACTIVE} consents take part in decisions; the rest are ignored. */
public enum ConsentStatus {
    ACTIVE("active"),
    INACTIVE("inactive"),
    DRAFT("draft"),
    PROPOSED("proposed"),
    REJECTED("rejected"),
    ENTERED_IN_ERROR("entered-in-error");

    private final String code;

    ConsentStatus(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static ConsentStatus fromCode(String code) {
        for (ConsentStatus status : values()) {
            if (status.code.equals(code)) {
                return status;
            }
        }
        throw new IllegalArgumentException("Unknown consent status '" + code + "'");
    }
}
