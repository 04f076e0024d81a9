package org.dermconsent.consent.fhir;

import org.dermconsent.vocabulary.FhirImageFacts;
import org.dermconsent.consent.ConsentStatus;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.ImageConsent;
import org.dermconsent.consent.ImageFacts;
import org.dermconsent.consent.Provision;
import org.dermconsent.consent.ProvisionPeriod;
import org.dermconsent.consent.ProvisionType;
import org.dermconsent.consent.PurposeCode;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class FhirConsentMapperTest {

	private static final String IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use";

	@Test
	void mapsStatusDateAndNestedProvisions() {
		Consent consent = new Consent();
		consent.setId("Consent/7/_history/3");
		consent.setStatus(Consent.ConsentState.INACTIVE);
		consent.setDateTimeElement(new DateTimeType("2026-01-15T10:00:00Z"));
		Consent.ProvisionComponent root = consent.getProvision().setType(Consent.ConsentProvisionType.DENY);
		Consent.ProvisionComponent permit = root.addProvision().setType(Consent.ConsentProvisionType.PERMIT);
		permit.addPurpose().setSystem(IMAGE_USE).setCode("ai-training");
		permit.addSecurityLabel().setSystem(Identifiability.SYSTEM).setCode("deidentified");
		permit.addSecurityLabel().setSystem("http://terminology.hl7.org/CodeSystem/v3-Confidentiality").setCode("N");
		permit.addActor().setReference(new Reference("http://example.org/fhir/Organization/lab/_history/2"));
		permit.addData().setReference(new Reference("Media/42"));

		ImageConsent mapped = FhirConsentMapper.toImageConsent(consent);

		assertThat(mapped.id()).isEqualTo("Consent/7");
		assertThat(mapped.status()).isEqualTo(ConsentStatus.INACTIVE);
		assertThat(mapped.dateTime()).isEqualTo(Instant.parse("2026-01-15T10:00:00Z"));
		assertThat(mapped.root().type()).isEqualTo(ProvisionType.DENY);
		Provision nested = mapped.root().children().get(0);
		assertThat(nested.type()).isEqualTo(ProvisionType.PERMIT);
		assertThat(nested.purposes()).containsExactly(PurposeCode.of(IMAGE_USE, "ai-training"));
		assertThat(nested.identifiability()).containsExactly(Identifiability.DEIDENTIFIED);
		assertThat(nested.actors()).containsExactly("Organization/lab");
		assertThat(nested.data()).containsExactly("Media/42");
	}

	@Test
	void aGuardiansConsentGivenForAMinorGovernsUntilTheEighteenthBirthdayInUtc() {
		Consent consent = new Consent();
		consent.setId("Consent/8");
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setDateTimeElement(new DateTimeType("2020-05-01T09:00:00Z"));
		Patient patient = new Patient();
		patient.setBirthDateElement(new DateType("2008-03-10"));
		LocalDate born = FhirConsentMapper.birthDate(patient);

		assertThat(FhirConsentMapper.toImageConsent(consent, born).governsUntil()).as("given by the patient").isNull();
		consent.addPerformer(new Reference("RelatedPerson/mother"));
		assertThat(FhirConsentMapper.toImageConsent(consent, born).governsUntil()).isEqualTo(Instant.parse("2026-03-10T00:00:00Z"));
		assertThat(FhirConsentMapper.toImageConsent(consent, null).governsUntil()).as("birth date unknown").isNull();
		patient.setBirthDateElement(new DateType("2008-03"));
		assertThat(FhirConsentMapper.birthDate(patient)).as("a month is too vague").isNull();
	}

	@Test
	void periodEndIsInclusiveAtItsPrecision() {
		Period wholeDay = new Period().setStartElement(new DateTimeType("2026-01-01"))
				.setEndElement(new DateTimeType("2026-12-31"));
		assertThat(FhirConsentMapper.period(wholeDay)).isEqualTo(ProvisionPeriod.between(
				new DateTimeType("2026-01-01").getValue().toInstant(), new DateTimeType("2027-01-01").getValue().toInstant()));

		Period toTheSecond = new Period().setEndElement(new DateTimeType("2026-06-30T12:00:00Z"));
		assertThat(FhirConsentMapper.period(toTheSecond).end()).isEqualTo(Instant.parse("2026-06-30T12:00:01Z"));

		assertThat(FhirConsentMapper.period(new Period())).isEqualTo(ProvisionPeriod.ALWAYS);
	}

	@Test
	void imageFactsFailClosedOnMissingOrConflictingLabels() {
		Media unlabelled = new Media();
		unlabelled.setId("Media/1");
		assertThat(FhirImageFacts.of(unlabelled).effectiveIdentifiability()).isEqualTo(Identifiability.IDENTIFIABLE);

		Media conflicting = new Media();
		conflicting.setId("Media/2");
		conflicting.getMeta().addSecurity(Identifiability.SYSTEM, "deidentified", null);
		conflicting.getMeta().addSecurity(Identifiability.SYSTEM, "identifiable", null);
		assertThat(FhirImageFacts.of(conflicting).effectiveIdentifiability()).isEqualTo(Identifiability.IDENTIFIABLE);

		Media derivative = new Media();
		derivative.setId("Media/3");
		derivative.getMeta().addSecurity(Identifiability.SYSTEM, "deidentified", null);
		derivative.addExtension(FhirImageFacts.DERIVED_FROM_MEDIA, new Reference("Media/1"));
		ImageFacts facts = FhirImageFacts.of(derivative);
		assertThat(facts.effectiveIdentifiability()).isEqualTo(Identifiability.DEIDENTIFIED);
		assertThat(facts.sourceMediaRef()).isEqualTo("Media/1");
	}
}
