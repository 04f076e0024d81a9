package org.dermconsent.security;

import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Fails closed: a server asked to check tokens does not start without an issuer to check them
 * against; a server that does not check them says so loudly.
 */
@Component
public class SecurityModeCheck {

	private static final Logger log = LoggerFactory.getLogger(SecurityModeCheck.class);

	private final SecurityProperties security;
	private final String bindAddress;

	public SecurityModeCheck(SecurityProperties security, @Value("${server.address:}") String bindAddress) {
		this.security = security;
		this.bindAddress = bindAddress;
	}

	@PostConstruct
	void checkSecurityMode() {
		if (security.enabled() && security.issuerUri().isBlank()) {
			throw new IllegalStateException(
					"dermconsent.security.enabled=true needs dermconsent.security.issuer-uri (the Keycloak realm URL)");
		}
		if (security.enabled()) {
			log.info("Security is enabled: SMART on FHIR tokens from {} for audience {}", security.issuerUri(), security.audience());
			return;
		}
		log.warn("Security is disabled: requests are not authenticated. Listening on {} only; do not expose this"
				+ " server to a network without dermconsent.security.enabled=true", bindAddress.isBlank() ? "all addresses" : bindAddress);
	}
}
