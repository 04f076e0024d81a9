package org.dermconsent.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.dermconsent.consent.ImageUse;

import java.util.Optional;
import java.util.Set;

/**
 * Who may use which purposes: with security on, the access token says (see
 * {@code org.dermconsent.security.TokenPurposeAuthority}); with security off, every client may use every purpose.
 */
public interface PurposeAuthority {

	/** The purposes this request's client may ask for; empty if it may ask for none. */
	Set<ImageUse> allowedPurposes(RequestDetails request);

	/** References naming the requester, matched against {@code Consent.provision.actor}. */
	Set<String> actors(RequestDetails request);

	/** The client application making the request (its token's client); none with security off. */
	default Optional<String> client(RequestDetails request) {
		return Optional.empty();
	}

	/** The user on whose behalf the client asks (its token's subject); none with security off. */
	default Optional<String> user(RequestDetails request) {
		return Optional.empty();
	}

	/** The patient the request acts for ({@code Patient/id}, the token's patient context); none with security off. */
	default Optional<String> patient(RequestDetails request) {
		return Optional.empty();
	}

	/** The FHIR resource of the user ({@code fhirUser}: Patient/, Practitioner/, RelatedPerson/...); none with security off. */
	default Optional<String> fhirUser(RequestDetails request) {
		return Optional.empty();
	}

	/**
	 * Whether the request is a clinician's acting for patients at large: a user (fhirUser a Practitioner or
	 * PractitionerRole) whose token may create any patient's Consents. False with security off.
	 */
	default boolean actsForPatients(RequestDetails request) {
		return false;
	}

	PurposeAuthority OPEN = new PurposeAuthority() {
		@Override
		public Set<ImageUse> allowedPurposes(RequestDetails request) {
			return Set.copyOf(ImageUse.leaves());
		}

		@Override
		public Set<String> actors(RequestDetails request) {
			return Set.of();
		}
	};
}
