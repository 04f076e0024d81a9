package org.dermconsent.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.dermconsent.security.SecurityProperties;
import org.dermconsent.security.TokenValidation;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An authorization server in the test: a signing key made for this JVM, tokens made to order, and a
 * decoder that trusts only that key while applying the server's real token validation (issuer,
 * audience, expiry). The HTTP path, filter chain and HAPI rules are the real ones.
 */
@TestConfiguration(proxyBeanMethods = false)
public class LocalTokenIssuer {

	public static final String ISSUER = "https://auth.test.invalid/realms/dermconsent";
	public static final String AUDIENCE = "dermconsent-fhir";

	private static final KeyPair KEY = newKey();
	private static final KeyPair OTHER_KEY = newKey();

	@Bean
	@Primary
	public JwtDecoder localKeyJwtDecoder(SecurityProperties security) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey((RSAPublicKey) KEY.getPublic()).build();
		decoder.setJwtValidator(TokenValidation.validator(security));
		return decoder;
	}

	/** A valid token for {@code client} with these scopes and claims (e.g. purpose_of_use, patient). */
	public static String token(String client, String scope, Map<String, Object> claims) {
		return sign(claims(client, scope, claims).build(), KEY);
	}

	public static JWTClaimsSet.Builder claims(String client, String scope, Map<String, Object> extra) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
				.issuer(ISSUER).audience(List.of(AUDIENCE)).subject("sub-" + client).claim("azp", client)
				.claim("scope", scope).issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5)))
				.expirationTime(Date.from(now.plusSeconds(300))).jwtID(UUID.randomUUID().toString());
		extra.forEach(claims::claim);
		return claims;
	}

	/** Signed by the key the server trusts (claims may still be wrong: expired, other audience, ...). */
	public static String signTrusted(JWTClaimsSet claims) {
		return sign(claims, KEY);
	}

	private static String sign(JWTClaimsSet claims, KeyPair key) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("test").build(), claims);
			jwt.sign(new RSASSASigner(key.getPrivate()));
			return jwt.serialize();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	/** Signed by a key the server does not trust. */
	public static String forged(JWTClaimsSet claims) {
		return sign(claims, OTHER_KEY);
	}

	public static String unsigned(JWTClaimsSet claims) {
		return new PlainJWT(claims).serialize();
	}

	/** HS256 keyed with the server's public key: the algorithm-confusion attack. */
	public static String hmacWithPublicKey(JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
			byte[] secret = KEY.getPublic().getEncoded();
			jwt.sign(new MACSigner(secret));
			return jwt.serialize();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	private static KeyPair newKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
