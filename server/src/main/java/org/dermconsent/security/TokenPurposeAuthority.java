package org.dermconsent.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.access.PurposeAuthority;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Purposes come from the token: its {@code purpose_of_use} claim lists the image-use codes (an
 * abstract code such as {@code secondary-use} stands for its children) the client may use. A patient
 * using an app on their own record, with no such claim, acts for their own care.
 */
public class TokenPurposeAuthority implements PurposeAuthority {

	@Override
	public Set<ImageUse> allowedPurposes(RequestDetails request) {
		Optional<SmartToken> token = SmartToken.current();
		if (token.isEmpty()) {
			return Set.of();
		}
		Set<ImageUse> allowed = EnumSet.noneOf(ImageUse.class);
		for (String code : token.get().purposes()) {
			ImageUse.find(code).ifPresent(granted -> ImageUse.leaves().stream()
					.filter(granted::subsumes).forEach(allowed::add));
		}
		if (token.get().purposes().isEmpty() && token.get().patient().isPresent()) {
			allowed.add(ImageUse.CLINICAL_CARE);
		}
		return allowed;
	}

	@Override
	public Optional<String> client(RequestDetails request) {
		return SmartToken.current().map(SmartToken::clientId).filter(id -> !id.isBlank());
	}

	@Override
	public Optional<String> user(RequestDetails request) {
		return SmartToken.current().map(SmartToken::subject).filter(subject -> !subject.isBlank());
	}

	@Override
	public Optional<String> patient(RequestDetails request) {
		return SmartToken.current().flatMap(SmartToken::patient).map(id -> "Patient/" + id);
	}

	@Override
	public Optional<String> fhirUser(RequestDetails request) {
		return SmartToken.current().flatMap(SmartToken::fhirUser);
	}

	/** A practitioner's token (no patient in context) with a user scope that may create Consents. */
	@Override
	public boolean actsForPatients(RequestDetails request) {
		return SmartToken.current().filter(token -> token.patient().isEmpty()
				&& token.fhirUser().filter(user -> user.startsWith("Practitioner/") || user.startsWith("PractitionerRole/")).isPresent()
				&& token.scopes().stream().anyMatch(scope -> scope.context() == SmartScope.Context.USER
						&& scope.coversType("Consent") && scope.allows(SmartScope.Permission.CREATE)))
				.isPresent();
	}

	@Override
	public Set<String> actors(RequestDetails request) {
		return SmartToken.current().flatMap(SmartToken::clientReference).map(Set::of).orElse(Set.of());
	}
}
