package org.dermconsent.deid;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PseudonymsTest {

	private final Pseudonyms pseudonyms = new Pseudonyms("a-server-secret-of-some-length");

	@Test
	void stablePerPatientAndDifferentBetweenPatients() {
		assertThat(pseudonyms.ofPatient("Patient/1")).isEqualTo(new Pseudonyms("a-server-secret-of-some-length")
				.ofPatient("Patient/1"));
		assertThat(pseudonyms.ofPatient("Patient/1")).isNotEqualTo(pseudonyms.ofPatient("Patient/2"));
		assertThat(pseudonyms.ofPatient("Patient/1")).matches("[0-9a-f]{32}");
	}

	@Test
	void dependsOnTheSecretAndSeparatesPatientsFromImages() {
		assertThat(new Pseudonyms("another-secret-entirely").ofPatient("Patient/1"))
				.isNotEqualTo(pseudonyms.ofPatient("Patient/1"));
		assertThat(pseudonyms.ofImage("Patient/1")).isNotEqualTo(pseudonyms.ofPatient("Patient/1"));
	}
}
