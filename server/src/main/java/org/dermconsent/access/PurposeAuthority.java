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
