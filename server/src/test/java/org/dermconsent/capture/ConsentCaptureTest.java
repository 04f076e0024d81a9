package org.dermconsent.capture;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.dermconsent.capture.ConsentCapture.Choice;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.ImageUse;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The answers-to-consent mapping on its own, without a server. */
class ConsentCaptureTest {

	private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
	private final ConsentCapture capture = new ConsentCapture(Clock.fixed(NOW, ZoneOffset.UTC));

	static Stream<Choice> choices() {
		return ConsentCapture.CHOICES.stream();
	}

	@Test
	void theFormAsksTwelveQuestions() {
		assertThat(ConsentCapture.CHOICES).extracting(Choice::linkId).hasSize(12)
				.startsWith("care-team-sharing/identifiable", "care-team-sharing/deidentified")
				.contains("ai-training/deidentified")
				.noneMatch(linkId -> linkId.startsWith("clinical-care/") || linkId.startsWith("secondary-use/"));
	}

	@ParameterizedTest
	@MethodSource("choices")
	void aYesIsOnePermitOfThatUseForThatIdentifiability(Choice choice) {
		QuestionnaireResponse response = response("Patient/p1");
		for (Choice other : ConsentCapture.CHOICES) {
			answer(response, other.linkId(), new BooleanType(other.equals(choice)));
		}
		Consent consent = consent(capture.extract(response));
		assertThat(permits(consent)).containsExactly(choice.use().code() + "/" + choice.identifiability().code());
	}

	@Test
	void everyCombinationOfAnswersMapsToItsPermits() {
		List<Choice> choices = ConsentCapture.CHOICES;
		for (int mask = 0; mask < 1 << choices.size(); mask += 37) { // a spread of the 4096 combinations, 0 and all included
			checkCombination(choices, mask);
		}
		checkCombination(choices, (1 << choices.size()) - 1);
	}

	private void checkCombination(List<Choice> choices, int mask) {
		QuestionnaireResponse response = response("Patient/p1");
		List<String> expected = new java.util.ArrayList<>();
		for (int i = 0; i < choices.size(); i++) {
			boolean yes = (mask & (1 << i)) != 0;
			if (yes) {
				expected.add(choices.get(i).linkId());
			}
			if (yes || i % 3 != 0) { // some no answers are left out: unanswered means no
				answer(response, choices.get(i).linkId(), new BooleanType(yes));
			}
		}
		assertThat(permits(consent(capture.extract(response)))).as("mask %s", mask).containsExactlyElementsOf(expected);
	}

	@Test
	void theConsentIsAnActiveDermImageConsentOfTheSubjectSourcedFromTheResponse() {
		QuestionnaireResponse response = response("Patient/p1");
		response.setId("QuestionnaireResponse/old/_history/3");
		answer(response, "research/deidentified", new BooleanType(true));
		answer(response, "period-end", new DateType("2027-06-30"));
		answer(response, "signature", new Attachment().setContentType("image/png").setData(new byte[] {1, 2}));

		Bundle bundle = capture.extract(response);

		assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
		assertThat(bundle.getEntry()).hasSize(2);
		Bundle.BundleEntryComponent stored = bundle.getEntry().get(0);
		assertThat(stored.getFullUrl()).startsWith("urn:uuid:");
		assertThat(stored.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
		assertThat(stored.getRequest().getUrl()).isEqualTo("QuestionnaireResponse");
		assertThat(stored.getResource().getIdElement().isEmpty()).isTrue();
		assertThat(((QuestionnaireResponse) stored.getResource()).getItem()).hasSize(3);
		assertThat(bundle.getEntry().get(1).getRequest().getUrl()).isEqualTo("Consent");

		Consent consent = consent(bundle);
		assertThat(consent.getMeta().getProfile().get(0).getValue())
				.isEqualTo("https://dermconsent.org/fhir/StructureDefinition/derm-image-consent");
		assertThat(consent.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
		assertThat(consent.getPatient().getReference()).isEqualTo("Patient/p1");
		assertThat(consent.getDateTime().toInstant()).isEqualTo(NOW);
		assertThat(consent.getSourceReference().getReference()).isEqualTo(stored.getFullUrl());
		assertThat(consent.getProvision().getType()).isEqualTo(Consent.ConsentProvisionType.DENY);
		assertThat(consent.getProvision().hasPurpose()).isFalse();
		Consent.ProvisionComponent permit = consent.getProvision().getProvisionFirstRep();
		assertThat(permit.getPeriod().getEndElement().getValueAsString()).isEqualTo("2027-06-30");
		assertThat(permit.hasPeriod() && !permit.getPeriod().hasStart()).isTrue();
	}

	@Test
	void noYesIsAConsentThatPermitsNothing() {
		Consent consent = consent(capture.extract(response("Patient/p1")));
		assertThat(consent.getProvision().getType()).isEqualTo(Consent.ConsentProvisionType.DENY);
		assertThat(consent.getProvision().getProvision()).isEmpty();
	}

	@Test
	void anEndDateOfTodayIsAccepted() {
		QuestionnaireResponse response = response("Patient/p1");
		answer(response, "period-end", new DateType("2026-12-04"));
		answer(response, "education/identifiable", new BooleanType(true));
		assertThat(consent(capture.extract(response)).getProvision().getProvisionFirstRep().getPeriod().getEndElement().getValueAsString())
				.isEqualTo("2026-12-04");
	}

	static Stream<org.junit.jupiter.params.provider.Arguments> invalidResponses() {
		return Stream.of(
				invalid("no response", null, "Expected a QuestionnaireResponse"),
				invalid("another questionnaire", r -> r.setQuestionnaire("https://example.org/Questionnaire/other"), "questionnaire must be"),
				invalid("no questionnaire", r -> r.setQuestionnaire(null), "questionnaire must be"),
				invalid("another version", r -> r.setQuestionnaire(ConsentCapture.QUESTIONNAIRE + "|9.9.9"), "questionnaire must be"),
				invalid("in progress", r -> r.setStatus(QuestionnaireResponseStatus.INPROGRESS), "status must be completed"),
				invalid("no subject", r -> r.setSubject(null), "subject must be"),
				invalid("subject not a patient", r -> r.setSubject(new Reference("Group/g1")), "subject must be"),
				invalid("subject absolute", r -> r.setSubject(new Reference("https://other.example/fhir/Patient/p1")), "subject must be"),
				invalid("unknown linkId", r -> answer(r, "selling/identifiable", new BooleanType(true)), "Unknown item linkId 'selling/identifiable'"),
				invalid("clinical care is not asked", r -> answer(r, "clinical-care/identifiable", new BooleanType(false)), "Unknown item linkId"),
				invalid("secondary-use is not asked", r -> answer(r, "secondary-use/deidentified", new BooleanType(true)), "Unknown item linkId"),
				invalid("string answer", r -> answer(r, "ai-training/deidentified", new StringType("yes")), "takes a boolean answer"),
				invalid("integer answer", r -> answer(r, "ai-training/deidentified", new IntegerType(1)), "takes a boolean answer"),
				invalid("two answers", r -> r.addItem().setLinkId("research/identifiable").addAnswer(new QuestionnaireResponse
						.QuestionnaireResponseItemAnswerComponent().setValue(new BooleanType(true))).addAnswer(new QuestionnaireResponse
						.QuestionnaireResponseItemAnswerComponent().setValue(new BooleanType(false))), "takes one"),
				invalid("answered twice", r -> {
					answer(r, "research/identifiable", new BooleanType(false));
					answer(r, "research/identifiable", new BooleanType(true));
				}, "answered twice"),
				invalid("nested items", r -> r.addItem().setLinkId("research/identifiable").addItem().setLinkId("education/identifiable"),
						"nested items"),
				invalid("end date in the past", r -> answer(r, "period-end", new DateType("2026-12-03")), "in the past"),
				invalid("end date not a date", r -> answer(r, "period-end", new StringType("2030-01-01")), "takes a date answer"),
				invalid("end date a month", r -> answer(r, "period-end", new DateType("2030-01")), "full date"),
				invalid("signature not an attachment", r -> answer(r, "signature", new StringType("J. Doe")), "takes an attachment"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidResponses")
	void responsesTheFormCannotProduceAre422(String name, Consumer<QuestionnaireResponse> spoil, String message) {
		QuestionnaireResponse response = spoil == null ? null : response("Patient/p1");
		if (spoil != null) {
			answer(response, "education/deidentified", new BooleanType(true));
			spoil.accept(response);
		}
		assertThatThrownBy(() -> capture.extract(response)).isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining(message);
	}

	private static org.junit.jupiter.params.provider.Arguments invalid(String name, Consumer<QuestionnaireResponse> spoil, String message) {
		return org.junit.jupiter.params.provider.Arguments.of(name, spoil, message);
	}

	static QuestionnaireResponse response(String patient) {
		QuestionnaireResponse response = new QuestionnaireResponse();
		response.setQuestionnaire(ConsentCapture.QUESTIONNAIRE);
		response.setStatus(QuestionnaireResponseStatus.COMPLETED);
		response.setSubject(new Reference(patient));
		return response;
	}

	static void answer(QuestionnaireResponse response, String linkId, Type value) {
		response.addItem().setLinkId(linkId).addAnswer().setValue(value);
	}

	private static Consent consent(Bundle bundle) {
		return (Consent) bundle.getEntry().get(1).getResource();
	}

	/** The permits as {@code use/identifiability}, checking each has exactly one purpose and one label. */
	private static List<String> permits(Consent consent) {
		return consent.getProvision().getProvision().stream().map(permit -> {
			assertThat(permit.getType()).isEqualTo(Consent.ConsentProvisionType.PERMIT);
			assertThat(permit.getPurpose()).hasSize(1);
			assertThat(permit.getSecurityLabel()).hasSize(1);
			assertThat(permit.getPurposeFirstRep().getSystem()).isEqualTo(ImageUse.SYSTEM);
			assertThat(permit.getSecurityLabelFirstRep().getSystem()).isEqualTo(Identifiability.SYSTEM);
			return permit.getPurposeFirstRep().getCode() + "/" + permit.getSecurityLabelFirstRep().getCode();
		}).toList();
	}
}
