package org.dermconsent.audit;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.r4.model.Bundle;
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
 */
public class AuditTrail {

	private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
	private static final int BATCH = 200;

	private final IFhirSystemDao<Bundle, ?> systemDao;
	private final Duration interval;
	private final BlockingQueue<Disclosure> queue = new LinkedBlockingQueue<>();
	private volatile boolean running;
	private Thread writer;

	public AuditTrail(IFhirSystemDao<Bundle, ?> systemDao, Duration interval) {
		this.systemDao = systemDao;
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

	/** Stops the writer thread and writes whatever is still queued. */
	public synchronized void stop() {
		running = false;
		if (writer != null) {
			writer.interrupt();
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
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (Disclosure disclosure : batch) {
			transaction.addEntry().setResource(AuditEvents.of(disclosure))
					.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("AuditEvent");
		}
		try {
			systemDao.transaction(new SystemRequestDetails(), transaction);
		} catch (RuntimeException e) {
			queue.addAll(batch); // keep them for the next round
			throw e;
		}
	}
}
