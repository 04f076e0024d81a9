package org.dermconsent.request;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.vocabulary.ConsentRequests;
import org.dermconsent.vocabulary.DermProfiles;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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

	private final IFhirResourceDao<Consent> consents;
	private final IFhirResourceDao<Task> tasks;
	private final JdbcTemplate jdbc;
	private final TransactionTemplate transaction;
	private final Clock clock;
	private final Duration interval;
	private ScheduledExecutorService executor;

	ExpiryReminders(DaoRegistry daoRegistry, JdbcTemplate jdbc, TransactionTemplate transaction, Clock clock, Duration interval) {
		this.consents = daoRegistry.getResourceDao(Consent.class);
		this.tasks = daoRegistry.getResourceDao(Task.class);
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.clock = clock;
		this.interval = interval;
	}

	void createTableIfMissing() {
		jdbc.execute("CREATE TABLE IF NOT EXISTS DC_EXPIRY_REMINDER (REMINDER_KEY VARCHAR(300) NOT NULL PRIMARY KEY,"
				+ " CREATED_AT_MILLIS BIGINT NOT NULL)");
	}

	public synchronized void start() {
		if (executor == null) {
			executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
				Thread thread = new Thread(runnable, "consent-expiry-reminders");
				thread.setDaemon(true);
				return thread;
			});
			executor.scheduleWithFixedDelay(this::remindDue, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	public synchronized void stop() {
		if (executor != null) {
			executor.shutdownNow();
			executor = null;
		}
	}

	/** One round: a reminder for every governing permit ending within 30 days that has none yet. */
	int remindDue() {
		int written = 0;
		try {
			Instant now = clock.instant();
			for (Consent consent : governingConsents()) {
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

	private List<Consent> governingConsents() {
		SearchParameterMap active = SearchParameterMap.newSynchronous()
				.add(Consent.SP_CATEGORY, new TokenParam(DermProfiles.CONSENT_CATEGORY_SYSTEM, DermProfiles.DERM_IMAGE_USE))
				.add(Consent.SP_STATUS, new TokenParam("active"));
		active.setLoadSynchronousUpTo(CONSENTS_PER_ROUND);
		Map<String, Optional<Consent>> byPatient = consents.searchForIds(active, new SystemRequestDetails()).stream()
				.map(consents::readByPid).filter(Consent::hasDateTime)
				.collect(Collectors.groupingBy(consent -> consent.getPatient().getReference(),
						Collectors.maxBy(Comparator.comparing(Consent::getDateTime))));
		return byPatient.values().stream().flatMap(Optional::stream).toList();
	}

	/** Writes the reminder unless it was written before (by this node or another); whether it wrote it. */
	private boolean remind(Consent consent, int index, Consent.ProvisionComponent permit, Instant now) {
		String key = "Consent/" + consent.getIdElement().getIdPart() + "/provision/" + index + "/"
				+ permit.getPeriod().getEndElement().getValueAsString();
		try {
			return Boolean.TRUE.equals(transaction.execute(status -> {
				if (!jdbc.queryForList("SELECT 1 FROM DC_EXPIRY_REMINDER WHERE REMINDER_KEY = ?", key).isEmpty()) {
					return false;
				}
				jdbc.update("INSERT INTO DC_EXPIRY_REMINDER (REMINDER_KEY, CREATED_AT_MILLIS) VALUES (?, ?)", key, now.toEpochMilli());
				tasks.create(reminder(consent, permit, now), new SystemRequestDetails());
				return true;
			}));
		} catch (DataIntegrityViolationException writtenMeanwhile) {
			return false; // another round wrote this reminder first; its Task stands, this one was rolled back
		}
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
