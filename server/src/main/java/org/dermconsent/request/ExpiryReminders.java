package org.dermconsent.request;

import org.dermconsent.background.ScheduledRound;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.dermconsent.consent.Identifiability;
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

/**
 * Tells a patient that a use they permitted ends soon: for each permit provision of a governing consent
 * whose period ends within 30 days, one Task {@code task-type#consent-expiring} for and owned by the
 * patient, focus the Consent, inputs purpose, identifiability and period. Exactly once per provision and
 * end, across restarts and concurrent rounds (several nodes): each reminder is keyed in the table
 * {@code DC_EXPIRY_REMINDER} (primary key), inserted in the transaction that creates its Task, so a
 * second writer of the same reminder fails on the key and its Task is rolled back with it.
 */
class ExpiryReminders {

	static final Duration LEAD = Duration.ofDays(30);
	private static final Logger log = LoggerFactory.getLogger(ExpiryReminders.class);
	private static final int CONSENTS_PER_ROUND = 5_000;

	private final IFhirResourceDao<Task> tasks;
	private final GoverningConsents governing;
	private final OnceOnly reminded;
	private final Clock clock;
	private final ScheduledRound round;

	ExpiryReminders(DaoRegistry daoRegistry, GoverningConsents governing, JdbcTemplate jdbc, TransactionTemplate transaction,
			Clock clock, Duration interval) {
		this.tasks = daoRegistry.getResourceDao(Task.class);
		this.governing = governing;
		this.reminded = new OnceOnly(jdbc, transaction, "DC_EXPIRY_REMINDER", "REMINDER_KEY");
		this.clock = clock;
		this.round = new ScheduledRound("consent-expiry-reminders", interval, this::remindDue);
	}

	void createTableIfMissing() {
		reminded.createTableIfMissing();
	}

	public void start() {
		round.start();
	}

	public void stop() {
		round.stop();
	}

	/** One round: a reminder for every governing permit ending within 30 days that has none yet. */
	int remindDue() {
		int written = 0;
		try {
			Instant now = clock.instant();
			for (Consent consent : governing.latestOfEachPatient(CONSENTS_PER_ROUND)) {
				List<Consent.ProvisionComponent> permits = consent.getProvision().getProvision();
				for (int i = 0; i < permits.size(); i++) {
					Consent.ProvisionComponent permit = permits.get(i);
					if (permit.getType() != Consent.ConsentProvisionType.PERMIT || !permit.getPeriod().hasEnd()) {
						continue;
					}
					Instant end = permit.getPeriod().getEnd().toInstant();
					if (end.isAfter(now) && !end.isAfter(now.plus(LEAD)) && remind(consent, i, permit, now)) {
						written++;
					}
				}
			}
		} catch (RuntimeException e) {
			log.warn("Consent expiry reminder round failed, will retry: {}", e.toString());
		}
		return written;
	}

	/** Writes the reminder unless it was written before (by this node or another); whether it wrote it. */
	private boolean remind(Consent consent, int index, Consent.ProvisionComponent permit, Instant now) {
		String key = "Consent/" + consent.getIdElement().getIdPart() + "/provision/" + index + "/"
				+ permit.getPeriod().getEndElement().getValueAsString();
		return reminded.write(key, now, () -> tasks.create(reminder(consent, permit, now), new SystemRequestDetails()));
	}

	private static Task reminder(Consent consent, Consent.ProvisionComponent permit, Instant now) {
		Task task = new Task();
		consent.getMeta().getTag().forEach(tag -> task.getMeta().addTag(tag.copy()));
		task.setStatus(Task.TaskStatus.REQUESTED);
		task.setIntent(Task.TaskIntent.ORDER);
		task.setCode(new CodeableConcept(new Coding(ConsentRequests.TASK_TYPE, ConsentRequests.CONSENT_EXPIRING, "Consent expiring")));
		task.setFor(new Reference(consent.getPatient().getReference()));
		task.setOwner(new Reference(consent.getPatient().getReference()));
		task.setFocus(new Reference("Consent/" + consent.getIdElement().getIdPart()));
		task.setAuthoredOn(Date.from(now));
		Coding purpose = permit.getPurposeFirstRep();
		String use = purpose.hasDisplay() ? purpose.getDisplay() : purpose.getCode();
		task.setDescription("Your permission for " + use + " ends on " + permit.getPeriod().getEndElement().getValueAsString()
				+ ". To keep it, give your consent again; otherwise it ends then and nothing else changes.");
		permit.getPurpose().forEach(code -> input(task, ConsentRequests.PURPOSE_INPUT).setValue(code.copy()));
		permit.getSecurityLabel().stream().filter(label -> Identifiability.SYSTEM.equals(label.getSystem()))
				.forEach(label -> input(task, ConsentRequests.IDENTIFIABILITY_INPUT).setValue(label.copy()));
		Period period = permit.getPeriod().copy();
		input(task, ConsentRequests.PERIOD_INPUT).setValue(period);
		return task;
	}

	private static Task.ParameterComponent input(Task task, String code) {
		return task.addInput().setType(new CodeableConcept(new Coding(ConsentRequests.TASK_TYPE, code, null)));
	}
}
