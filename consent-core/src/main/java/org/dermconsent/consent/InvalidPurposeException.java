package org.dermconsent.consent;

/**
 * A purpose of use a client sent that DermConsent cannot act on (unknown, abstract, blank or
 * malformed). The server answers it with 400 and an OperationOutcome carrying {@link #getMessage()}.
 */
public class InvalidPurposeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String value;

    public InvalidPurposeException(String value, String problem) {
        super("Invalid purpose of use '" + value + "': " + problem + ". " + PurposeResolver.ACCEPTED_FORMS);
        this.value = value;
    }

    /** The value as the client sent it. */
    public String value() {
        return value;
    }
}
