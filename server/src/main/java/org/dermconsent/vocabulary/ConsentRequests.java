package org.dermconsent.vocabulary;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;

import java.util.List;
import java.util.Optional;

/**
 * Consent requests (DESIGN 11): Tasks by which a client asks a patient to permit a use of their images.
 * What they are made of, and who may see one: shared by the request feature, the disclosure guard and
 * the Subscription check.
 */
public final class ConsentRequests {

	public static final String TASK_TYPE = WithdrawalNotices.TASK_TYPE;
	public static final String CONSENT_REQUEST = "consent-request";
	/** The request code as a token search parameter value. */
	public static final String REQUEST_CODE = TASK_TYPE + "|" + CONSENT_REQUEST;
	public static final String PURPOSE_INPUT = "purpose";
	public static final String IDENTIFIABILITY_INPUT = "identifiability";
	public static final String IMAGE_INPUT = "image";
	public static final String PERIOD_INPUT = "period";
	public static final String CONSENT_OUTPUT = "consent";
	/** A reminder to the patient that a use they permitted ends soon (server-written). */
	public static final String CONSENT_EXPIRING = "consent-expiring";

	private ConsentRequests() {}

	public static boolean isConsentRequest(Task task) {
		return task.getCode().getCoding().stream()
				.anyMatch(coding -> TASK_TYPE.equals(coding.getSystem()) && CONSENT_REQUEST.equals(coding.getCode()));
	}

	public static boolean isExpiryReminder(Task task) {
		return task.getCode().getCoding().stream()
				.anyMatch(coding -> TASK_TYPE.equals(coding.getSystem()) && CONSENT_EXPIRING.equals(coding.getCode()));
	}

	/** The patient asked ({@code Patient/id}), if the request names one by reference. */
	public static Optional<String> patient(Task task) {
		return Optional.ofNullable(task.getFor().getReferenceElement().toUnqualifiedVersionless().getValue())
				.filter(reference -> reference.startsWith("Patient/"));
	}

	/** Who asks ({@code Device/<client id>}, {@code Organization/id}, ...), if the request names one. */
	public static Optional<String> requester(Task task) {
		return Optional.ofNullable(task.getRequester().getReferenceElement().toUnqualifiedVersionless().getValue());
	}

	public static Optional<Coding> purpose(Task task) {
		return inputs(task, PURPOSE_INPUT).stream().filter(Coding.class::isInstance).map(Coding.class::cast).findFirst();
	}

	public static Optional<Coding> identifiability(Task task) {
		return inputs(task, IDENTIFIABILITY_INPUT).stream().filter(Coding.class::isInstance).map(Coding.class::cast).findFirst();
	}

	/** The images asked about ({@code Media/id}); none means all the patient's images. */
	public static List<String> images(Task task) {
		return inputs(task, IMAGE_INPUT).stream().filter(Reference.class::isInstance).map(Reference.class::cast)
				.map(reference -> reference.getReferenceElement().toUnqualifiedVersionless().getValue()).toList();
	}

	public static Optional<Period> period(Task task) {
		return inputs(task, PERIOD_INPUT).stream().filter(Period.class::isInstance).map(Period.class::cast).findFirst();
	}

	private static List<Type> inputs(Task task, String code) {
		return task.getInput().stream()
				.filter(input -> input.getType().getCoding().stream()
						.anyMatch(coding -> TASK_TYPE.equals(coding.getSystem()) && code.equals(coding.getCode())))
				.map(Task.ParameterComponent::getValue).toList();
	}

	/**
	 * Whether a request may see {@code task}: anything but a consent request or expiry reminder; a
	 * consent request only its requester ({@code Device/<client>}), the patient asked (a token in that
	 * patient's context, which is also how a guardian's app acts), or a clinician acting for patients; a
	 * reminder only the latter two. A request that names no client (security off) may.
	 */
	public static boolean mayAccess(Task task, Optional<String> client, Optional<String> patientInContext,
			boolean actsForPatients) {
		if (client.isEmpty() || !(isConsentRequest(task) || isExpiryReminder(task)) || actsForPatients) {
			return true;
		}
		boolean requested = isConsentRequest(task) && requester(task).filter(WithdrawalNotices.ownerFor(client.get())::equals).isPresent();
		return requested || (patientInContext.isPresent() && patient(task).equals(patientInContext));
	}
}
