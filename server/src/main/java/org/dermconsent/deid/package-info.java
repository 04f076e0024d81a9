/**
 * De-identified derivatives of skin images: {@code Media/{id}/$deidentify} (metadata stripping, an
 * optional attested crop, a new Binary, Media and Provenance in one transaction) and the per-patient
 * pseudonym that replaces the patient reference whenever a derivative is served for anything but
 * clinical care.
 */
package org.dermconsent.deid;
