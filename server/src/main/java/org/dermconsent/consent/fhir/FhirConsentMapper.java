package org.dermconsent.consent.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.dermconsent.consent.ConsentStatus;
import org.dermconsent.consent.GuardianConsent;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.ImageConsent;
import org.dermconsent.consent.Provision;
import org.dermconsent.consent.ProvisionPeriod;
import org.dermconsent.consent.ProvisionType;
import org.dermconsent.consent.PurposeCode;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Turns a stored R4 derm image Consent into the consent core's model. */
public final class FhirConsentMapper {

	private FhirConsentMapper() {}

	public static ImageConsent toImageConsent(Consent consent) {
		return toImageConsent(consent, null);
	}

	/**
	 * @param birthDate the patient's, or null if unknown; with it, a consent performed by a RelatedPerson
	 *                  (a guardian) while the patient was a minor governs until the 18th birthday only
	 */
	public static ImageConsent toImageConsent(Consent consent, LocalDate birthDate) {
		Instant given = consent.hasDateTime() ? consent.getDateTime().toInstant() : null;
		return new ImageConsent(
				"Consent/" + consent.getIdElement().getIdPart(),
				consent.hasStatus() ? ConsentStatus.fromCode(consent.getStatus().toCode()) : ConsentStatus.DRAFT,
				given,
				consent.hasProvision() ? toProvision(consent.getProvision()) : null,
				GuardianConsent.governsUntil(performedByGuardian(consent), birthDate, given).orElse(null));
	}

	/** A RelatedPerson among the performers: the consent was given for the patient, not by them. */
	public static boolean performedByGuardian(Consent consent) {
		return consent.getPerformer().stream()
				.anyMatch(performer -> "RelatedPerson".equals(performer.getReferenceElement().getResourceType()));
	}

	/** A birth date at day precision or finer, as a date; a year or year-month alone is too vague to end a consent. */
	public static LocalDate birthDate(Patient patient) {
		DateType date = patient.getBirthDateElement();
		if (!patient.hasBirthDate() || date.getPrecision() != TemporalPrecisionEnum.DAY) {
			return null;
		}
		return LocalDate.parse(date.getValueAsString());
	}

	private static Provision toProvision(Consent.ProvisionComponent provision) {
		return new Provision(
				provision.getType() == Consent.ConsentProvisionType.PERMIT ? ProvisionType.PERMIT : ProvisionType.DENY,
				provision.getPurpose().stream().map(c -> PurposeCode.of(c.getSystem(), c.getCode())).toList(),
				identifiabilityLabels(provision.getSecurityLabel()),
				period(provision.getPeriod()),
				references(provision.getActor().stream().map(Consent.provisionActorComponent::getReference).toList()),
				references(provision.getData().stream().map(Consent.provisionDataComponent::getReference).toList()),
				provision.getProvision().stream().map(FhirConsentMapper::toProvision).toList());
	}

	/** Labels from other systems are not identifiability; the profile's required binding keeps them out. */
	private static Set<Identifiability> identifiabilityLabels(List<Coding> labels) {
		Set<Identifiability> result = new HashSet<>();
		for (Coding label : labels) {
			if (Identifiability.SYSTEM.equals(label.getSystem())) {
				Identifiability.find(label.getCode()).ifPresent(result::add);
			}
		}
		return result;
	}

	/** A FHIR Period end is inclusive at its precision (2025-12-31 means the whole day): make it exclusive. */
	static ProvisionPeriod period(Period period) {
		if (period == null || period.isEmpty()) {
			return ProvisionPeriod.ALWAYS;
		}
		Instant start = period.hasStart() ? period.getStart().toInstant() : null;
		Instant end = period.hasEnd() ? exclusiveEnd(period.getEndElement()) : null;
		return new ProvisionPeriod(start, end);
	}

	private static Instant exclusiveEnd(DateTimeType end) {
		TemporalPrecisionEnum precision = end.getPrecision();
		if (precision == TemporalPrecisionEnum.MILLI) {
			return end.getValue().toInstant().plusMillis(1);
		}
		return precision.add(end.getValue(), 1).toInstant();
	}

	private static Set<String> references(List<Reference> references) {
		Set<String> result = new HashSet<>();
		for (Reference reference : references) {
			if (reference.hasReferenceElement()) {
				result.add(reference.getReferenceElement().toUnqualifiedVersionless().getValue());
			}
		}
		return result;
	}
}
