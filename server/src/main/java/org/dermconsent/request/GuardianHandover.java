package org.dermconsent.request;

import org.dermconsent.background.ScheduledRound;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.fhir.FhirConsentMapper;
import org.dermconsent.vocabulary.ClientDevices;
import org.dermconsent.vocabulary.ConsentRequests;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Hands a guardian's choices over to the patient who came of age (DESIGN 11): when the governing consent
 * was given by a guardian for a minor and the 18th birthday has passed, one consent request per use the
 * guardian permitted (purpose and identifiability of each permit provision), for the patient, from the
 * server's own {@code Device/dermconsent}, lapsing 90 days later. Exactly once per consent and provision,
 * across restarts and concurrent rounds, as {@link ExpiryReminders} does: each key is inserted into
 * {@code DC_GUARDIAN_HANDOVER} (primary key) in the transaction that creates the Task.
 *
 * <p>The server's own requests are not held to the re-contact rules ({@link RequestRules} applies to
 * clients' writes): the patient never answered the server, and a "do not contact" was the guardian's
 * choice, which ended with the rest of the guardian's consent.
 */
class GuardianHandover {

	static final String SERVER_DEVICE = "Device/dermconsent";
	static final Duration ANSWER_WITHIN = Duration.ofDays(90);
	private static final Logger log = LoggerFactory.getLogger(GuardianHandover.class);
	private static final int CONSENTS_PER_ROUND = 5_000;

	private final IFhirResourceDao<Task> tasks;
	private final GoverningConsents governing;
	private final ClientDevices devices;
	private final OnceOnly asked;
	private final Clock clock;
	private final ScheduledRound round;

	GuardianHandover(DaoRegistry daoRegistry, GoverningConsents governing, ClientDevices devices, JdbcTemplate jdbc,
			TransactionTemplate transaction, Clock clock, Duration interval) {
		this.tasks = daoRegistry.getResourceDao(Task.class);
		this.governing = governing;
		this.devices = devices;
		this.asked = new OnceOnly(jdbc, transaction, "DC_GUARDIAN_HANDOVER", "HANDOVER_KEY");
		this.clock = clock;
		this.round = new ScheduledRound("guardian-handover", interval, this::handOverDue);
	}

	void createTableIfMissing() {
		asked.createTableIfMissing();
	}

	public void start() {
		round.start();
	}

	public void stop() {
		round.stop();
	}

	/** One round: a request for every permitted use of every guardian's consent that ended, unless written before. */
	int handOverDue() {
		int written = 0;
		try {
			Instant now = clock.instant();
			for (Consent consent : guardiansConsentsGoverning()) {
				String patient = consent.getPatient().getReference();
				if (governing.stillGoverns(consent, patient, now)) {
					continue;
				}
				devices.ensureResolves(SERVER_DEVICE);
				List<Consent.ProvisionComponent> permits = consent.getProvision().getProvision();
				for (int i = 0; i < permits.size(); i++) {
					Consent.ProvisionComponent permit = permits.get(i);
					if (permit.getType() == Consent.ConsentProvisionType.PERMIT && permit.hasPurpose() && ask(consent, i, permit, now)) {
						written++;
					}
				}
			}
		} catch (RuntimeException e) {
			log.warn("Guardian handover round failed, will retry: {}", e.toString());
		}
		return written;
	}

	/** Per patient the most recent active derm consent (as stored), if a guardian performed it. */
	private List<Consent> guardiansConsentsGoverning() {
		return governing.latestOfEachPatient(CONSENTS_PER_ROUND).stream().filter(FhirConsentMapper::performedByGuardian).toList();
	}

	/** Writes the request unless it was written before (by this node or another); whether it wrote it. */
	private boolean ask(Consent consent, int index, Consent.ProvisionComponent permit, Instant now) {
		String key = "Consent/" + consent.getIdElement().getIdPart() + "/provision/" + index;
		return asked.write(key, now, () -> tasks.create(request(consent, permit, now), new SystemRequestDetails()));
	}

	private static Task request(Consent consent, Consent.ProvisionComponent permit, Instant now) {
		Task task = new Task();
		consent.getMeta().getTag().forEach(tag -> task.getMeta().addTag(tag.copy()));
		task.setStatus(Task.TaskStatus.REQUESTED);
		task.setIntent(Task.TaskIntent.PROPOSAL);
		task.setCode(new CodeableConcept(new Coding(ConsentRequests.TASK_TYPE, ConsentRequests.CONSENT_REQUEST, "Consent request")));
		task.setFor(new Reference(consent.getPatient().getReference()));
		task.setRequester(new Reference(SERVER_DEVICE));
		task.setAuthoredOn(Date.from(now));
		task.getRestriction().setPeriod(new Period().setEnd(Date.from(now.plus(ANSWER_WITHIN))));
		Coding purpose = permit.getPurposeFirstRep();
		String use = purpose.hasDisplay() ? purpose.getDisplay() : purpose.getCode();
		Optional<Coding> identifiability = permit.getSecurityLabel().stream()
				.filter(label -> Identifiability.SYSTEM.equals(label.getSystem())).findFirst();
		String which = identifiability.map(label -> label.getCode().equals("deidentified") ? "de-identified " : "identifiable ").orElse("");
		task.setDescription("You are now 18. Your parent or guardian allowed your " + which + "skin photos to be used for "
				+ use + ". That permission has ended; from now on you decide. Do you agree?");
		input(task, ConsentRequests.PURPOSE_INPUT).setValue(new Coding(purpose.getSystem(), purpose.getCode(), purpose.getDisplay()));
		identifiability.ifPresent(label -> input(task, ConsentRequests.IDENTIFIABILITY_INPUT)
				.setValue(new Coding(label.getSystem(), label.getCode(), label.getDisplay())));
		if (permit.hasPeriod() && permit.getPeriod().hasEnd()) {
			input(task, ConsentRequests.PERIOD_INPUT).setValue(new Period().setEndElement(permit.getPeriod().getEndElement().copy()));
		}
		return task;
	}

	private static Task.ParameterComponent input(Task task, String code) {
		return task.addInput().setType(new CodeableConcept(new Coding(ConsentRequests.TASK_TYPE, code, null)));
	}
}
