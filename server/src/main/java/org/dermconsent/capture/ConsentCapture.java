package org.dermconsent.capture;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.vocabulary.DermProfiles;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemAnswerComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.Reference;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a patient's answers to {@code Questionnaire/derm-image-consent} mean (DESIGN 10): the
 * transaction that stores the answers and the derm image consent they amount to. Each {@code true}
 * answer to {@code <use>/<identifiability>} becomes a permit of that use for images of that
 * identifiability; everything else stays under the root deny (unanswered means no). An answer the
 * form cannot have produced is refused as a whole, so that no consent says more or less than the
 * patient was asked.
 *
 * <p>Plain Java over HAPI's model classes, without Spring or storage: the operation hands it the
 * response and posts nothing itself.
 */
public final class ConsentCapture {

	public static final String QUESTIONNAIRE = DermProfiles.BASE + "/Questionnaire/derm-image-consent";
	static final String QUESTIONNAIRE_VERSION = "0.1.0";
	static final String PERIOD_END = "period-end";
	static final String SIGNATURE = "signature";

	private static final Pattern PATIENT_REFERENCE = Pattern.compile("^Patient/[A-Za-z0-9\\-.]{1,64}$");
	private static final String CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope";
	private static final String LOINC = "http://loinc.org";
	private static final String V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

	/** The yes/no questions, in the form's order: every use but clinical care (always allowed) and the grouping secondary-use. */
	static final List<Choice> CHOICES = choices();

	private final Clock clock;

	public ConsentCapture(Clock clock) {
		this.clock = clock;
	}

	/** One question of the form: may images of this identifiability be used for this use? */
	record Choice(ImageUse use, Identifiability identifiability) {
		String linkId() {
			return use.code() + "/" + identifiability.code();
		}
	}

	/**
	 * The transaction for these answers: the response (POST, {@code urn:uuid:} fullUrl) and the
	 * active Consent whose {@code sourceReference} is that response.
	 *
	 * @throws UnprocessableEntityException (422) for a response that is not a completed answer of this form about a patient
	 */
	public Bundle extract(QuestionnaireResponse response) {
		if (response == null) {
			throw invalid("Expected a QuestionnaireResponse, as the request body or the 'questionnaire-response' parameter");
		}
		checkQuestionnaire(response);
		Answers answers = answers(response);
		String patient = patient(response);

		String responseUrl = "urn:uuid:" + UUID.randomUUID();
		QuestionnaireResponse stored = response.copy();
		stored.setId((String) null);
		stored.setMeta(null);

		Consent consent = consent(patient, responseUrl, answers);

		Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		bundle.addEntry().setFullUrl(responseUrl).setResource(stored).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl("QuestionnaireResponse");
		bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(consent).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl("Consent");
		return bundle;
	}

	private Consent consent(String patient, String responseUrl, Answers answers) {
		Consent consent = new Consent();
		consent.getMeta().addProfile(DermProfiles.DERM_IMAGE_CONSENT);
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setScope(new CodeableConcept(new Coding(CONSENT_SCOPE, "patient-privacy", "Privacy Consent")));
		consent.addCategory(new CodeableConcept(new Coding(LOINC, "59284-0", "Patient Consent")));
		consent.addCategory(new CodeableConcept(new Coding(DermProfiles.CONSENT_CATEGORY_SYSTEM, DermProfiles.DERM_IMAGE_USE,
				"Consent to the use of skin images")));
		consent.setPatient(new Reference(patient));
		consent.setDateTimeElement(new DateTimeType(Date.from(clock.instant()), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone("UTC")));
		consent.addPerformer(new Reference(patient));
		consent.setSource(new Reference(responseUrl));
		consent.setPolicyRule(new CodeableConcept(new Coding(V3_ACT_CODE, "OPTIN", "opt-in")));
		Consent.ProvisionComponent root = consent.getProvision().setType(Consent.ConsentProvisionType.DENY);
		for (Choice choice : answers.permitted()) {
			Consent.ProvisionComponent permit = root.addProvision().setType(Consent.ConsentProvisionType.PERMIT);
			if (answers.periodEnd() != null) {
				permit.setPeriod(new Period().setEndElement(new DateTimeType(answers.periodEnd().getValueAsString())));
			}
			permit.addSecurityLabel(new Coding(Identifiability.SYSTEM, choice.identifiability().code(), null));
			permit.addPurpose(new Coding(ImageUse.SYSTEM, choice.use().code(), null));
		}
		return consent;
	}

	private static void checkQuestionnaire(QuestionnaireResponse response) {
		String questionnaire = response.getQuestionnaire();
		if (!QUESTIONNAIRE.equals(questionnaire) && !(QUESTIONNAIRE + "|" + QUESTIONNAIRE_VERSION).equals(questionnaire)) {
			throw invalid("QuestionnaireResponse.questionnaire must be " + QUESTIONNAIRE + " (was "
					+ (questionnaire == null ? "absent" : "'" + questionnaire + "'") + ")");
		}
		if (response.getStatus() != QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED
				&& response.getStatus() != QuestionnaireResponse.QuestionnaireResponseStatus.AMENDED) {
			throw invalid("QuestionnaireResponse.status must be completed (or amended) to become a consent (was "
					+ (response.getStatus() == null ? "absent" : response.getStatus().toCode()) + ")");
		}
	}

	private static String patient(QuestionnaireResponse response) {
		String subject = response.getSubject().getReference();
		if (subject == null || !PATIENT_REFERENCE.matcher(subject).matches()) {
			throw invalid("QuestionnaireResponse.subject must be the patient who consents, as a reference Patient/{id} (was "
					+ (subject == null ? "absent" : "'" + subject + "'") + ")");
		}
		return subject;
	}

	/** The permitted choices in the form's order, and the end date; refuses what the form cannot produce. */
	private Answers answers(QuestionnaireResponse response) {
		Map<String, Choice> byLinkId = new LinkedHashMap<>();
		CHOICES.forEach(choice -> byLinkId.put(choice.linkId(), choice));
		Set<String> seen = new HashSet<>();
		Set<Choice> yes = new HashSet<>();
		DateType periodEnd = null;
		for (QuestionnaireResponseItemComponent item : response.getItem()) {
			String linkId = item.getLinkId();
			if (linkId == null || !(byLinkId.containsKey(linkId) || PERIOD_END.equals(linkId) || SIGNATURE.equals(linkId))) {
				throw invalid("Unknown item linkId '" + linkId + "': " + QUESTIONNAIRE + " has " + String.join(", ", byLinkId.keySet())
						+ ", " + PERIOD_END + " and " + SIGNATURE);
			}
			if (!seen.add(linkId)) {
				throw invalid("Item '" + linkId + "' is answered twice");
			}
			if (item.hasItem() || item.getAnswer().stream().anyMatch(QuestionnaireResponseItemAnswerComponent::hasItem)) {
				throw invalid("Item '" + linkId + "' has nested items; the questions of " + QUESTIONNAIRE + " have none");
			}
			if (item.getAnswer().size() > 1) {
				throw invalid("Item '" + linkId + "' has " + item.getAnswer().size() + " answers; it takes one");
			}
			if (item.getAnswer().isEmpty()) {
				continue; // not answered: no
			}
			QuestionnaireResponseItemAnswerComponent answer = item.getAnswerFirstRep();
			if (byLinkId.containsKey(linkId)) {
				if (!answer.hasValueBooleanType() || !answer.getValueBooleanType().hasValue()) {
					throw invalid("Item '" + linkId + "' takes a boolean answer (valueBoolean)");
				}
				if (answer.getValueBooleanType().booleanValue()) {
					yes.add(byLinkId.get(linkId));
				}
			} else if (PERIOD_END.equals(linkId)) {
				if (!answer.hasValueDateType() || !answer.getValueDateType().hasValue()) {
					throw invalid("Item '" + PERIOD_END + "' takes a date answer (valueDate)");
				}
				periodEnd = answer.getValueDateType();
				if (periodEnd.getPrecision() != TemporalPrecisionEnum.DAY) {
					throw invalid("Item '" + PERIOD_END + "' takes a full date (YYYY-MM-DD)");
				}
				LocalDate end = LocalDate.of(periodEnd.getYear(), periodEnd.getMonth() + 1, periodEnd.getDay());
				if (end.isBefore(LocalDate.now(clock.withZone(ZoneOffset.UTC)))) {
					throw invalid("Item '" + PERIOD_END + "' (" + end + ") is in the past; choices would end before they start");
				}
			} else if (!answer.hasValueAttachment()) {
				throw invalid("Item '" + SIGNATURE + "' takes an attachment answer (valueAttachment)");
			}
		}
		List<Choice> permitted = new ArrayList<>();
		CHOICES.stream().filter(yes::contains).forEach(permitted::add);
		return new Answers(permitted, periodEnd);
	}

	private record Answers(List<Choice> permitted, DateType periodEnd) {}

	private static List<Choice> choices() {
		List<Choice> choices = new ArrayList<>();
		for (ImageUse use : ImageUse.values()) {
			if (use == ImageUse.CLINICAL_CARE || use.isAbstract()) {
				continue;
			}
			for (Identifiability identifiability : Identifiability.values()) {
				choices.add(new Choice(use, identifiability));
			}
		}
		return List.copyOf(choices);
	}

	private static UnprocessableEntityException invalid(String message) {
		return new UnprocessableEntityException(message);
	}
}
