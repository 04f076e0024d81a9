package org.dermconsent.security;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART App Launch resource scope, v2 ({@code patient/Media.rs}, {@code user/Consent.cruds},
 * {@code system/*.rs}) or v1 ({@code patient/Media.read}, {@code user/*.write}, {@code system/*.*}).
 * Anything else ({@code openid}, {@code launch/patient}, v2 search-parameter constraints such as
 * {@code patient/Media.rs?category=x}) grants no resource access here.
 *
 * @param context      whose data: the patient in context, the user's, or the system's (anything)
 * @param resourceType a resource type, or {@code *} for every type
 * @param permissions  what may be done
 */
public record SmartScope(Context context, String resourceType, Set<Permission> permissions) {

	private static final Pattern SCOPE = Pattern.compile("^(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)$");

	public enum Context { PATIENT, USER, SYSTEM }

	/** SMART v2 permissions; v1 {@code read} = rs, {@code write} = cud, {@code *} = cruds. */
	public enum Permission { CREATE, READ, UPDATE, DELETE, SEARCH }

	public SmartScope {
		permissions = Set.copyOf(permissions);
	}

	public static Optional<SmartScope> parse(String scope) {
		Matcher matcher = SCOPE.matcher(scope);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		return permissions(matcher.group(3)).map(permissions -> new SmartScope(
				Context.valueOf(matcher.group(1).toUpperCase(Locale.ROOT)), matcher.group(2), permissions));
	}

	/** Every resource scope in a space-separated {@code scope} claim. */
	public static Set<SmartScope> parseAll(String scopeClaim) {
		Set<SmartScope> scopes = new LinkedHashSet<>();
		if (scopeClaim != null) {
			for (String scope : scopeClaim.trim().split("\\s+")) {
				parse(scope).ifPresent(scopes::add);
			}
		}
		return scopes;
	}

	public boolean allows(Permission permission) {
		return permissions.contains(permission);
	}

	public boolean coversType(String type) {
		return "*".equals(resourceType) || resourceType.equals(type);
	}

	/** The same type and permissions, limited to the compartment of the patient in context. */
	public SmartScope inPatientContext() {
		return new SmartScope(Context.PATIENT, resourceType, permissions);
	}

	private static Optional<Set<Permission>> permissions(String text) {
		switch (text) {
			case "read":
				return Optional.of(EnumSet.of(Permission.READ, Permission.SEARCH));
			case "write":
				return Optional.of(EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE));
			case "*":
				return Optional.of(EnumSet.allOf(Permission.class));
			default:
				break;
		}
		// v2: a non-empty subsequence of c r u d s, in that order
		Set<Permission> permissions = EnumSet.noneOf(Permission.class);
		int last = -1;
		for (char letter : text.toCharArray()) {
			int position = "cruds".indexOf(letter);
			if (position <= last) {
				return Optional.empty();
			}
			last = position;
			permissions.add(Permission.values()[position]);
		}
		return permissions.isEmpty() ? Optional.empty() : Optional.of(permissions);
	}
}
