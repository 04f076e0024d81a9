package org.dermconsent.security;

import org.dermconsent.security.SmartScope.Context;
import org.dermconsent.security.SmartScope.Permission;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dermconsent.security.SmartScope.Permission.*;

class SmartScopeTest {

	@ParameterizedTest
	@CsvSource({
		"patient/Media.rs, PATIENT, Media, READ SEARCH",
		"user/Consent.cruds, USER, Consent, CREATE READ UPDATE DELETE SEARCH",
		"user/Consent.cu, USER, Consent, CREATE UPDATE",
		"system/*.rs, SYSTEM, *, READ SEARCH",
		"patient/Media.read, PATIENT, Media, READ SEARCH",
		"user/*.write, USER, *, CREATE UPDATE DELETE",
		"system/*.*, SYSTEM, *, CREATE READ UPDATE DELETE SEARCH",
		"system/Media.d, SYSTEM, Media, DELETE",
	})
	void parsesV1AndV2ResourceScopes(String text, Context context, String type, String permissions) {
		Set<Permission> expected = EnumSet.noneOf(Permission.class);
		for (String permission : permissions.split(" ")) {
			expected.add(Permission.valueOf(permission));
		}
		assertThat(SmartScope.parse(text)).contains(new SmartScope(context, type, expected));
	}

	@ParameterizedTest
	@ValueSource(strings = {"openid", "launch/patient", "fhirUser", "patient/Media.sr", "patient/Media.rr",
			"patient/Media.", "patient/Media.x", "group/Media.rs", "patient/Media.rs?category=x", "patient/.rs", "Media.rs"})
	void ignoresEverythingElse(String text) {
		assertThat(SmartScope.parse(text)).isEmpty();
	}

	@Test
	void readsAScopeClaim() {
		Set<SmartScope> scopes = SmartScope.parseAll(" openid  system/Media.rs launch  user/Consent.cu ");
		assertThat(scopes).hasSize(2);
		assertThat(scopes.iterator().next().coversType("Media")).isTrue();
		assertThat(scopes.iterator().next().allows(CREATE)).isFalse();
		assertThat(SmartScope.parseAll(null)).isEmpty();
	}
}
