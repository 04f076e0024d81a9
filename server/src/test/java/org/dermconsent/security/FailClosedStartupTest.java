package org.dermconsent.security;

import org.dermconsent.enforcement.EnforcementConfig;
import org.dermconsent.enforcement.EnforcementProperties;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings that would leave the server open refuse to start instead. */
class FailClosedStartupTest {

	@Test
	void securityWithoutAnIssuerRefusesToStart() {
		SecurityModeCheck check = new SecurityModeCheck(new SecurityProperties(true, "", "dermconsent-fhir"), "0.0.0.0");

		assertThatThrownBy(check::checkSecurityMode).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("issuer-uri");
	}

	@Test
	void securityWithAnIssuerStarts() {
		SecurityModeCheck check = new SecurityModeCheck(
				new SecurityProperties(true, "https://keycloak.example.org/realms/dermconsent", "dermconsent-fhir"), "0.0.0.0");

		assertThatCode(check::checkSecurityMode).doesNotThrowAnyException();
	}

	@Test
	void enforcementCannotBeSwitchedOffWithSecurityOn() {
		EnforcementProperties off = new EnforcementProperties(false, Duration.ofSeconds(30));
		SecurityProperties secured = new SecurityProperties(true, "https://keycloak.example.org/realms/dermconsent", "dermconsent-fhir");

		assertThatThrownBy(() -> new EnforcementConfig().enforcement(off, secured))
				.isInstanceOf(IllegalStateException.class).hasMessageContaining("benchmarks only");
	}
}
