package org.dermconsent.request;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.enforcement.index.PatientWriteLock;
import org.dermconsent.vocabulary.ConsentRequests;
import org.dermconsent.vocabulary.DermProfiles;
import org.dermconsent.vocabulary.WithdrawalNotices;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Task;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Answers a consent request (DESIGN 11). A permit stores the patient's new governing Consent (the
 * governing one, or an empty opt-in consent, plus one permit provision: the request's purpose, its
 * identifiability as the security label, actor = the requester, data = the requested images, its
 * period) and sets the request completed with output {@code consent}; a deny sets it rejected. Both in
 * one database transaction, under the patient's consent-write lock ({@link PatientWriteLock}) taken
 * before the request and the governing consent are read: a concurrent answer, consent capture or
 * withdrawal for the same patient waits, and whatever fails (the new Consent's validation included)
 * leaves neither the Consent nor the answer stored. The Task is written before the Consent, so the
 * Consent's failure undoes a write already made, never skips one.
 */
class ConsentRequestAnswers {

	private static final String PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

	private final IFhirResourceDao<Task> tasks;
	private final IFhirResourceDao<Consent> consents;
	private final IFhirResourceDao<RelatedPerson> relatedPersons;
	private final GoverningConsents governing;
	private final RequestRules rules;
	private final PatientWriteLock patientLock;
	private final TransactionTemplate transaction;
	private final Clock clock;

	ConsentRequestAnswers(DaoRegistry daoRegistry, GoverningConsents governing, RequestRules rules,
			PatientWriteLock patientLock, TransactionTemplate transaction, Clock clock) {
		this.tasks = daoRegistry.getResourceDao(Task.class);
		this.consents = daoRegistry.getResourceDao(Consent.class);
		this.relatedPersons = daoRegistry.getResourceDao(RelatedPerson.class);
		this.governing = governing;
		this.rules = rules;
		this.patientLock = patientLock;
		this.transaction = transaction;
		this.clock = clock;
	}

	enum Decision { PERMIT, DENY }

	Task answer(IdType taskId, Decision decision, RequestDetails request) {
		// who asks is settled before anything is locked or read for writing
		Task asked = read(taskId);
		if (!ConsentRequests.isConsentRequest(asked)) {
			throw new InvalidRequestException("Task/" + taskId.getIdPart() + " is not a consent request");
		}
		String patient = ConsentRequests.patient(asked)
				.orElseThrow(() -> new InvalidRequestException("This consent request names no patient"));
		Reference performer = responder(asked, patient, request);
		return transaction.execute(status -> {
			patientLock.lock(List.of(patient));
			Task task = read(taskId); // again, under the lock: an answer or lapse that came first is seen
			Instant now = clock.instant();
			mustBeOpen(task, now);
			task.setLastModified(Date.from(now));
			if (decision == Decision.DENY) {
				task.setStatus(Task.TaskStatus.REJECTED);
				return write(task);
			}
			RequestRules.requestablePurpose(task);
			for (String image : ConsentRequests.images(task)) {
				if (!rules.isImageOf(image, patient)) {
					throw new ResourceVersionConflictException("The images asked about changed since the request was made: " + image
							+ " is no longer an image of " + patient + "; the request can only be declined");
				}
			}
			Consent consent = permitted(task, patient, performer, now);
			consent.setId(new IdType("Consent", UUID.randomUUID().toString()));
			task.setStatus(Task.TaskStatus.COMPLETED);
			task.addOutput().setType(new CodeableConcept(new Coding(ConsentRequests.TASK_TYPE, ConsentRequests.CONSENT_OUTPUT, null)))
					.setValue(new Reference(consent.getIdElement().toUnqualifiedVersionless().getValue()));
			Task answered = write(task);
			consents.update(consent, new SystemRequestDetails());
			return answered;
		});
	}

	/**
	 * Who may answer: with security off, anyone; otherwise the patient (a token in the patient's
	 * context; a guardian's app acts in the child's context, and a guardian whose {@code fhirUser} is a
	 * RelatedPerson must be one of this patient), or a clinician acting for patients. Never the
	 * requester itself. The answer's performer is who answered.
	 */
	private Reference responder(Task task, String patient, RequestDetails request) {
		Optional<String> client = RequestPurpose.client(request);
		if (client.isEmpty()) {
			return new Reference(patient);
		}
		if (ConsentRequests.requester(task).filter(WithdrawalNotices.ownerFor(client.get())::equals).isPresent()) {
			throw new ForbiddenOperationException("A requester cannot answer its own consent request");
		}
		RequestPurpose.Agency agency = RequestPurpose.agency(request);
		Optional<String> user = agency.fhirUser();
		if (user.isPresent() && user.get().startsWith("RelatedPerson/")) {
			if (!guardianOf(user.get(), patient) || agency.patient().filter(patient::equals).isEmpty()) {
				throw notTheirs();
			}
			return new Reference(user.get());
		}
		if (agency.patient().isPresent()) {
			if (!agency.patient().get().equals(patient)) {
				throw notTheirs();
			}
			return new Reference(patient);
		}
		if (agency.actsForPatients()) {
			return new Reference(user.orElseThrow());
		}
		throw notTheirs();
	}

	private boolean guardianOf(String relatedPerson, String patient) {
		try {
			RelatedPerson person = relatedPersons.read(new IdType(relatedPerson), new SystemRequestDetails());
			return (!person.hasActive() || person.getActive())
					&& patient.equals(person.getPatient().getReferenceElement().toUnqualifiedVersionless().getValue());
		} catch (BaseServerResponseException notFound) {
			return false;
		}
	}

	private static ForbiddenOperationException notTheirs() {
		return new ForbiddenOperationException("Only the patient asked, their guardian, or a clinician acting for them may"
				+ " answer this consent request");
	}

	private static void mustBeOpen(Task task, Instant now) {
		if (task.getStatus() != Task.TaskStatus.REQUESTED) {
			throw new ResourceVersionConflictException("This consent request is " + task.getStatus().toCode()
					+ " already; only a requested one can be answered");
		}
		if (RequestLapse.lapsed(task, now)) {
			throw new ResourceVersionConflictException("This consent request lapsed at "
					+ task.getRestriction().getPeriod().getEndElement().getValueAsString() + "; it can no longer be answered");
		}
	}

	/** The governing consent (or an empty opt-in one) plus the permit the request asks for, as a new consent. */
	private Consent permitted(Task task, String patient, Reference performer, Instant now) {
		Consent consent = governing.of(patient).map(Consent::copy).orElseGet(() -> emptyOptIn(patient));
		consent.setId((String) null);
		consent.getMeta().setVersionId(null).setLastUpdated(null).setSource(null);
		consent.getMeta().getSecurity().clear();
		consent.setText(null);
		consent.setStatus(Consent.ConsentState.ACTIVE);
		consent.setDateTimeElement(new DateTimeType(Date.from(now)));
		consent.setSource(null); // the form or answers of the earlier consent are not what this one rests on
		consent.getPerformer().clear();
		consent.addPerformer(performer);
		Consent.ProvisionComponent permit = consent.getProvision().addProvision().setType(Consent.ConsentProvisionType.PERMIT);
		Coding purpose = ConsentRequests.purpose(task).orElseThrow();
		permit.addPurpose(new Coding(purpose.getSystem(), purpose.getCode(), purpose.getDisplay()));
		ConsentRequests.identifiability(task)
				.ifPresent(label -> permit.addSecurityLabel(new Coding(label.getSystem(), label.getCode(), label.getDisplay())));
		ConsentRequests.period(task).ifPresent(period -> permit.setPeriod(period.copy()));
		String requester = ConsentRequests.requester(task).orElseThrow();
		if (GuardianHandover.SERVER_DEVICE.equals(requester)) {
			// the server asks on behalf of no recipient: the use is granted as the guardian granted it, to anyone
			return addImages(consent, task, permit);
		}
		permit.addActor().setRole(new CodeableConcept(new Coding(PARTICIPATION_TYPE, "IRCP", "information recipient")))
				.setReference(new Reference(requester));
		return addImages(consent, task, permit);
	}

	private static Consent addImages(Consent consent, Task task, Consent.ProvisionComponent permit) {
		for (String image : ConsentRequests.images(task)) {
			permit.addData().setMeaning(Consent.ConsentDataMeaning.INSTANCE).setReference(new Reference(image));
		}
		return consent;
	}

	private static Consent emptyOptIn(String patient) {
		Consent consent = new Consent();
		consent.setScope(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null)));
		consent.addCategory(new CodeableConcept(new Coding("http://loinc.org", "59284-0", null)));
		consent.addCategory(new CodeableConcept(new Coding(DermProfiles.CONSENT_CATEGORY_SYSTEM, DermProfiles.DERM_IMAGE_USE, null)));
		consent.setPatient(new Reference(patient));
		consent.setPolicyRule(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", null)));
		consent.getProvision().setType(Consent.ConsentProvisionType.DENY);
		return consent;
	}

	private Task read(IdType taskId) {
		try {
			return tasks.read(taskId.toUnqualifiedVersionless(), new SystemRequestDetails());
		} catch (ResourceNotFoundException e) {
			throw new ResourceNotFoundException("Task/" + taskId.getIdPart() + " is not known");
		}
	}

	private Task write(Task task) {
		return (Task) tasks.update(task, new SystemRequestDetails()).getResource();
	}
}
