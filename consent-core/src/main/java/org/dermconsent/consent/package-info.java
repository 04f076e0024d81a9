/**
 * Framework-free consent decision core of DermConsent.
 *
 * <p>Everything here depends on the JDK only, so that the rules of DESIGN.md section 3 can be tested
 * exhaustively and reused unchanged by every enforcement path of the server (read, search, export,
 * operations). The server maps FHIR resources to these records; this package never sees FHIR types.
 *
 * <p>Entry points: {@link org.dermconsent.consent.ConsentDecider} (one decision),
 * {@link org.dermconsent.consent.GrantTimeline} (precomputed grants for query-time filtering),
 * {@link org.dermconsent.consent.ConsentSummary} (a patient's choices at a glance) and
 * {@link org.dermconsent.consent.PurposeResolver} (what clients send to an {@link
 * org.dermconsent.consent.ImageUse}).
 */
package org.dermconsent.consent;
