package org.dermconsent.deid;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Stable pseudonyms: HMAC-SHA256 of a reference under the server secret, the first 128 bits in
 * lower-case hex. The same patient always gets the same pseudonym (a patient's de-identified images
 * stay groupable); without the secret a pseudonym cannot be computed from a patient id, nor reversed.
 * Patient and image pseudonyms are computed in separate domains and never coincide.
 */
public class Pseudonyms {

	/** Identifier system of the per-patient pseudonym on a PSEUDED derivative served for a secondary use. */
	public static final String PATIENT_SYSTEM = "https://dermconsent.org/fhir/NamingSystem/patient-pseudonym";
	/** Identifier system of the per-image opaque subject on an ANONYED derivative (links nothing). */
	public static final String IMAGE_SYSTEM = "https://dermconsent.org/fhir/NamingSystem/anonymous-subject";

	private final SecretKeySpec key;

	public Pseudonyms(String secret) {
		Objects.requireNonNull(secret, "secret");
		this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
	}

	/** @param patientReference {@code Patient/{id}} */
	public String ofPatient(String patientReference) {
		return hmac("patient\n" + patientReference);
	}

	/** @param mediaReference {@code Media/{id}} of the derivative */
	public String ofImage(String mediaReference) {
		return hmac("image\n" + mediaReference);
	}

	private String hmac(String input) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			byte[] digest = mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 16);
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException("HmacSHA256 unavailable", e);
		}
	}
}
