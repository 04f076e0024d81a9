package org.dermconsent.audit;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes disclosures as AuditEvents off the request path: requests only enqueue, one thread stores
 * them in batches (one transaction per batch). {@link #stop()} drains the queue, so a clean shutdown
 * loses nothing; a crash can lose the last interval's records.
 *
 * <p>Each event is created through the DAO rather than posted in a transaction Bundle: a Bundle's
 * pre-fetch resolves all its references in one query, which H2 answers by scanning every resource.
 * A batch flushes once, at commit: by default every reference lookup of every event would first
 * flush (dirty-check) all that the batch has written so far, which made a batch's cost grow with
 * its square. Its lookups only read images and patients stored before, which need no flush.
 */
public class AuditTrail {

	private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
	private static final int BATCH = 200;

	private final IFhirResourceDao<AuditEvent> auditEvents;
	private final IHapiTransactionService transactions;
	private final EntityManager entityManager;
	private final Duration interval;
	private final BlockingQueue<Disclosure> queue = new LinkedBlockingQueue<>();
	private volatile boolean running;
	private Thread writer;

	public AuditTrail(IFhirResourceDao<AuditEvent> auditEvents, IHapiTransactionService transactions,
			EntityManager entityManager, Duration interval) {
		this.auditEvents = auditEvents;
		this.transactions = transactions;
		this.entityManager = entityManager;
		this.interval = interval;
	}

	public void record(Disclosure disclosure) {
		queue.add(disclosure);
	}

	public synchronized void start() {
		if (writer == null) {
			running = true;
			writer = new Thread(this::writeUntilStopped, "audit-writer");
			writer.setDaemon(true);
			writer.start();
		}
	}

	/**
	 * Stops the writer thread and writes whatever is still queued. The writer is not interrupted: an
	 * interrupt in the middle of a write makes the full-text index drop that batch after its commit.
	 * It notices within one interval.
	 */
	public synchronized void stop() {
		running = false;
		if (writer != null) {
			try {
				writer.join(TimeUnit.SECONDS.toMillis(30));
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			writer = null;
		}
		flush();
	}

	/** Writes everything queued so far; returns how many events were written. */
	public synchronized int flush() {
		int written = 0;
		List<Disclosure> batch = new ArrayList<>();
		for (int pending = queue.size(); pending > 0 && queue.drainTo(batch, BATCH) > 0; pending -= batch.size()) {
			try {
				write(batch);
			} catch (RuntimeException e) {
				log.error("Could not write {} audit events: {}", batch.size(), e.toString());
				return written;
			}
			written += batch.size();
			batch.clear();
		}
		return written;
	}

	private void writeUntilStopped() {
		while (running) {
			try {
				Disclosure first = queue.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
				if (first != null) {
					List<Disclosure> batch = new ArrayList<>(List.of(first));
					queue.drainTo(batch, BATCH - 1);
					write(batch);
				}
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return; // stop() drains what is left
			} catch (RuntimeException e) {
				log.error("Could not write audit events, will retry: {}", e.toString());
				try {
					Thread.sleep(interval.toMillis());
				} catch (InterruptedException stopping) {
					return;
				}
			}
		}
	}

	private void write(List<Disclosure> batch) {
		try {
			transactions.withSystemRequest().execute(() -> {
				entityManager.setFlushMode(FlushModeType.COMMIT);
				for (Disclosure disclosure : batch) {
					auditEvents.create(AuditEvents.of(disclosure), new SystemRequestDetails());
				}
			});
		} catch (RuntimeException e) {
			queue.addAll(batch); // keep them for the next round
			throw e;
		}
	}
}
