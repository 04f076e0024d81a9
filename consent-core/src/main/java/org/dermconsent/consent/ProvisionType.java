package org.dermconsent.consent;

/** Consent.provision.type: whether a provision grants or withholds what it matches. */
public enum ProvisionType {
    PERMIT("permit"),
    DENY("deny");

    private final String code;

    ProvisionType(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static ProvisionType fromCode(String code) {
        for (ProvisionType type : values()) {
            if (type.code.equals(code)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown provision type '" + code + "'");
    }
}
