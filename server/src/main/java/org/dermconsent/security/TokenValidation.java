package org.dermconsent.security;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

/**
 * How access tokens are checked: signature by the issuer's published keys (asymmetric algorithms
 * only, so neither {@code alg: none} nor a token "signed" with the public key as an HMAC secret
 * passes), issuer, audience, expiry and not-before.
 */
public final class TokenValidation {

	private TokenValidation() {}

	/** Resolves the issuer's metadata and keys on first use, so the server starts even if the issuer is down. */
	public static JwtDecoder decoderFor(SecurityProperties security) {
		return new SupplierJwtDecoder(() -> {
			NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(security.issuerUri()).build();
			decoder.setJwtValidator(validator(security));
			return decoder;
		});
	}

	public static OAuth2TokenValidator<Jwt> validator(SecurityProperties security) {
		return new DelegatingOAuth2TokenValidator<>(
				JwtValidators.createDefaultWithIssuer(security.issuerUri()), audience(security.audience()));
	}

	private static OAuth2TokenValidator<Jwt> audience(String audience) {
		return token -> token.getAudience() != null && token.getAudience().contains(audience)
				? OAuth2TokenValidatorResult.success()
				: OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
						"The token is not meant for this server (audience " + audience + ")", null));
	}
}
