package org.dermconsent.withdrawal;

import java.time.Instant;

/**
 * Whether the disclosure audit has stored, as searchable AuditEvents, every disclosure it journaled
 * before an instant. The audit journals before a response leaves and stores in the background; a
 * notice computed from the AuditEvents alone would miss a client that read an image a moment before
 * the patient withdrew it. Implemented by the audit.
 */
public interface DisclosureBacklog {

	boolean storedEverythingJournaledBefore(Instant instant);

	/** No audit: nothing is ever waiting. */
	DisclosureBacklog NONE = instant -> true;
}
