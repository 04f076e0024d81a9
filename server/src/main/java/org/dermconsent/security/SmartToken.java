package org.dermconsent.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a validated SMART access token says: its resource scopes, the patient in context (claim
 * {@code patient}), the purposes its client may use (claim {@code purpose_of_use}) and the client
 * ({@code azp}, else {@code client_id}).
 */
public record SmartToken(Set<SmartScope> scopes, Optional<String> patient, List<String> purposes, String clientId,
		String subject) {

	public static final String PATIENT_CLAIM = "patient";
	public static final String PURPOSE_CLAIM = "purpose_of_use";

	public static SmartToken of(Jwt jwt) {
		List<String> purposes = jwt.hasClaim(PURPOSE_CLAIM) ? jwt.getClaimAsStringList(PURPOSE_CLAIM) : List.of();
		String client = jwt.hasClaim("azp") ? jwt.getClaimAsString("azp") : jwt.getClaimAsString("client_id");
		return new SmartToken(
				SmartScope.parseAll(jwt.getClaimAsString("scope")),
				Optional.ofNullable(jwt.getClaimAsString(PATIENT_CLAIM)).filter(id -> !id.isBlank()),
				purposes == null ? List.of() : List.copyOf(purposes),
				client,
				jwt.getSubject());
	}

	/** The token of the request being served on this thread, if any. */
	public static Optional<SmartToken> current() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication instanceof JwtAuthenticationToken jwt) {
			return Optional.of(of(jwt.getToken()));
		}
		return Optional.empty();
	}

	/** A reference naming the client, for consents that grant to one client only. */
	public Optional<String> clientReference() {
		return Optional.ofNullable(clientId).filter(id -> !id.isBlank()).map(id -> "Device/" + id);
	}
}
