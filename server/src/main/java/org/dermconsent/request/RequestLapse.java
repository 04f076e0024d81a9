package org.dermconsent.request;

import org.dermconsent.background.ScheduledRound;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import org.dermconsent.enforcement.index.PatientWriteLock;
import org.dermconsent.vocabulary.ConsentRequests;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Cancels consent requests nobody answered by their {@code restriction.period.end} (DESIGN 11), every
 * {@code dermconsent.requests.lapse-interval}. Each under the patient's consent-write lock and read
 * again under it, as {@code $respond} does, so an answer and a lapse never both happen, also with
 * several nodes running this. Until the round comes, {@code $respond} already refuses a request past
 * its end (409).
 */
public class RequestLapse {

	private static final Logger log = LoggerFactory.getLogger(RequestLapse.class);
	private static final int REQUESTS_PER_ROUND = 500;

	private final IFhirResourceDao<Task> tasks;
	private final PatientWriteLock patientLock;
	private final TransactionTemplate transaction;
	private final Clock clock;
	private final ScheduledRound round;

	RequestLapse(DaoRegistry daoRegistry, PatientWriteLock patientLock, TransactionTemplate transaction, Clock clock,
			Duration interval) {
		this.tasks = daoRegistry.getResourceDao(Task.class);
		this.patientLock = patientLock;
		this.transaction = transaction;
		this.clock = clock;
		this.round = new ScheduledRound("consent-request-lapse", interval, this::lapseDue);
	}

	static boolean lapsed(Task task, Instant now) {
		return task.getRestriction().getPeriod().hasEnd() && !task.getRestriction().getPeriod().getEnd().toInstant().isAfter(now);
	}

	public void start() {
		round.start();
	}

	public void stop() {
		round.stop();
	}

	/** One round: every open request past its end is cancelled, each in its own transaction. */
	int lapseDue() {
		int lapsed = 0;
		try {
			SearchParameterMap open = SearchParameterMap.newSynchronous()
					.add(Task.SP_CODE, new TokenParam(ConsentRequests.TASK_TYPE, ConsentRequests.CONSENT_REQUEST))
					.add(Task.SP_STATUS, new TokenParam("requested"));
			open.setLoadSynchronousUpTo(REQUESTS_PER_ROUND);
			Instant now = clock.instant();
			List<Task> due = tasks.searchForIds(open, new SystemRequestDetails()).stream().map(tasks::readByPid)
					.filter(task -> lapsed(task, now)).toList();
			for (Task task : due) {
				if (Boolean.TRUE.equals(transaction.execute(status -> lapse(task.getIdElement().toUnqualifiedVersionless())))) {
					lapsed++;
				}
			}
		} catch (RuntimeException e) {
			log.warn("Consent request lapse round failed, will retry: {}", e.toString());
		}
		return lapsed;
	}

	private boolean lapse(IdType id) {
		Task task = tasks.read(id, new SystemRequestDetails());
		ConsentRequests.patient(task).ifPresent(patient -> patientLock.lock(List.of(patient)));
		task = tasks.read(id, new SystemRequestDetails());
		Instant now = clock.instant();
		if (task.getStatus() != Task.TaskStatus.REQUESTED || !lapsed(task, now)) {
			return false; // answered or withdrawn meanwhile
		}
		task.setStatus(Task.TaskStatus.CANCELLED);
		task.setStatusReason(new CodeableConcept().setText("Lapsed: not answered by "
				+ task.getRestriction().getPeriod().getEndElement().getValueAsString()));
		task.setLastModified(Date.from(now));
		tasks.update(task, new SystemRequestDetails());
		log.info("Consent request {} lapsed", id.getValue());
		return true;
	}
}
