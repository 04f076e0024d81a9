package org.dermconsent.security;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jwt.JWTParser;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

import java.io.IOException;
import java.text.ParseException;

/**
 * How access tokens are checked: signature by the issuer's published keys (asymmetric algorithms
 * only, so neither {@code alg: none} nor a token "signed" with the public key as an HMAC secret
 * passes), issuer, audience, expiry and not-before.
 *
 * <p>A token is refused as invalid only when it is: if the issuer's metadata or keys cannot be
 * fetched, the token may well be valid, and the decoder says {@link IssuerUnavailableException}
 * instead, which {@link FhirSecurityErrors} answers with 503.
 */
public final class TokenValidation {

	private TokenValidation() {}

	/** Resolves the issuer's metadata and keys on first use, so the server starts even if the issuer is down. */
	public static JwtDecoder decoderFor(SecurityProperties security) {
		JwtDecoder resolving = new SupplierJwtDecoder(() -> {
			NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(security.issuerUri()).build();
			decoder.setJwtValidator(validator(security));
			return decoder;
		});
		return token -> decode(resolving, token);
	}

	public static OAuth2TokenValidator<Jwt> validator(SecurityProperties security) {
		return new DelegatingOAuth2TokenValidator<>(
				JwtValidators.createDefaultWithIssuer(security.issuerUri()), audience(security.audience()));
	}

	private static Jwt decode(JwtDecoder resolving, String token) {
		try {
			// a token that is not even a JWT is refused whether or not the issuer can be reached
			JWTParser.parse(token);
		} catch (ParseException e) {
			throw new BadJwtException("The token is not a well-formed JWT", e);
		}
		try {
			return resolving.decode(token);
		} catch (JwtDecoderInitializationException e) {
			throw new IssuerUnavailableException(e);
		} catch (BadJwtException e) {
			throw e;
		} catch (JwtException e) {
			if (isKeyFetchFailure(e)) {
				throw new IssuerUnavailableException(e);
			}
			throw e;
		}
	}

	private static boolean isKeyFetchFailure(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof KeySourceException || t instanceof IOException
					|| t instanceof org.springframework.web.client.ResourceAccessException) {
				return true;
			}
		}
		return false;
	}

	private static OAuth2TokenValidator<Jwt> audience(String audience) {
		return token -> token.getAudience() != null && token.getAudience().contains(audience)
				? OAuth2TokenValidatorResult.success()
				: OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
						"The token is not meant for this server (audience " + audience + ")", null));
	}

	/**
	 * The issuer's metadata or signing keys could not be fetched, so the token could not be checked.
	 * A {@link BadJwtException} only so that Spring Security hands it to the entry point (it passes
	 * other decoder failures on as server errors, which would end in a 500); the entry point tells it
	 * from a bad token and answers 503.
	 */
	public static final class IssuerUnavailableException extends BadJwtException {
		private static final long serialVersionUID = 1L;

		IssuerUnavailableException(Throwable cause) {
			super("The identity provider could not be reached to check the token", cause);
		}
	}
}
