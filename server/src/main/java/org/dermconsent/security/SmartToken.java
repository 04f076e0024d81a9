package org.dermconsent.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a validated SMART access token says: its resource scopes, the patient in context (claim
 * {@code patient}), the purposes its client may use (claim {@code purpose_of_use}) and the client
 * ({@code azp}, else {@code client_id}).
 *
 * <p>A token whose {@code fhirUser} is a Patient belongs to that patient, whichever app it was issued
 * to: its {@code user/} and {@code system/} scopes act as {@code patient/} scopes in that patient's
 * compartment, and a {@code patient} claim naming someone else leaves it no patient at all (so its
 * scopes grant nothing).
 */
public record SmartToken(Set<SmartScope> scopes, Optional<String> patient, List<String> purposes, String clientId,
		String subject, Optional<String> fhirUser) {

	public static final String PATIENT_CLAIM = "patient";
	public static final String FHIR_USER_CLAIM = "fhirUser";
	public static final String PURPOSE_CLAIM = "purpose_of_use";

	/** {@code Patient/id}, relative or absolute, optionally versioned; group 1 is what follows {@code Patient/}. */
	private static final Pattern PATIENT_USER = Pattern.compile("^(?:.*/)?Patient/([^/]*)(?:/_history/[^/]*)?$");
	private static final Pattern FHIR_ID = Pattern.compile("^[A-Za-z0-9\\-.]{1,64}$");

	public static SmartToken of(Jwt jwt) {
		List<String> purposes = jwt.hasClaim(PURPOSE_CLAIM) ? jwt.getClaimAsStringList(PURPOSE_CLAIM) : List.of();
		String client = jwt.hasClaim("azp") ? jwt.getClaimAsString("azp") : jwt.getClaimAsString("client_id");
		Set<SmartScope> scopes = SmartScope.parseAll(jwt.getClaimAsString("scope"));
		Optional<String> patient = Optional.ofNullable(jwt.getClaimAsString(PATIENT_CLAIM)).filter(id -> !id.isBlank());
		String fhirUser = jwt.getClaimAsString(FHIR_USER_CLAIM);
		Matcher patientUser = PATIENT_USER.matcher(fhirUser == null ? "" : fhirUser.trim());
		if (patientUser.matches()) {
			Optional<String> self = Optional.of(patientUser.group(1)).filter(id -> FHIR_ID.matcher(id).matches());
			scopes = scopes.stream().map(SmartScope::inPatientContext).collect(Collectors.toCollection(LinkedHashSet::new));
			patient = patient.isEmpty() || patient.equals(self) ? self : Optional.empty();
		}
		return new SmartToken(
				scopes,
				patient,
				purposes == null ? List.of() : List.copyOf(purposes),
				client,
				jwt.getSubject(),
				relativeFhirUser(fhirUser));
	}

	private static final Pattern FHIR_USER = Pattern.compile("^(?:.*/)?([A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]*)?$");

	/** {@code fhirUser} as a relative reference ({@code Type/id}), if it is one. */
	private static Optional<String> relativeFhirUser(String fhirUser) {
		Matcher matcher = FHIR_USER.matcher(fhirUser == null ? "" : fhirUser.trim());
		return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
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
