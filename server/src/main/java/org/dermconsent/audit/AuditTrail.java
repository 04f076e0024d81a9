package org.dermconsent.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The disclosure audit: {@link #record} returns once the disclosures are in the {@link AuditJournal}
 * on disk, so a crash right after the response loses none; one thread then stores them as
 * AuditEvents in batches (one transaction per batch), off the request path. Events left in the
 * journal by a crash are stored at the next start. Each event has an id of its own, assigned before
 * it is journaled, and is stored by update-as-create, so storing it twice leaves one event.
 *
 * <p>An event that cannot be stored does not hold up the others: a failed batch is stored event by
 * event, an event that still fails is stored in a reduced form (its references as identifiers), and
 * one that fails even so is logged and stays in the journal, to be tried again at the next start.
 *
 * <p>Each event is stored through the DAO rather than posted in a transaction Bundle: a Bundle's
 * pre-fetch resolves all its references in one query, which H2 answers by scanning every resource.
 * A batch flushes once, at commit: by default every reference lookup of every event would first
 * flush (dirty-check) all that the batch has written so far, which made a batch's cost grow with
 * its square. Its lookups only read images and patients stored before, which need no flush.
 */
public class AuditTrail {

	private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
	private static final int BATCH = 200;
	private static final String REFERENCE_SYSTEM = "https://dermconsent.org/fhir/NamingSystem/resource-reference";

	/** A journaled event waiting to be stored, as the JSON it was journaled as. */
	private record Journaled(long segment, String json) {}

	private final IFhirResourceDao<AuditEvent> auditEvents;
	private final IHapiTransactionService transactions;
	private final EntityManager entityManager;
	private final Supplier<IParser> parsers;
	private final DataSource dataSource;
	private final AuditJournal journal;
	private final Duration interval;
	private final Duration compactInterval;
	private final BlockingQueue<Journaled> queue = new LinkedBlockingQueue<>();
	private volatile boolean running;
	private Thread writer;
	private long lastCompact = System.nanoTime();

	public AuditTrail(IFhirResourceDao<AuditEvent> auditEvents, FhirContext fhirContext,
			IHapiTransactionService transactions, EntityManager entityManager, DataSource dataSource, AuditJournal journal, Duration interval,
			Duration compactInterval) {
		this.auditEvents = auditEvents;
		this.transactions = transactions;
		this.entityManager = entityManager;
		this.parsers = fhirContext::newJsonParser;
		this.dataSource = dataSource;
		this.journal = journal;
		this.interval = interval;
		this.compactInterval = compactInterval;
	}

	/** Opens the journal and queues what an earlier run journaled but did not store. */
	public void open() {
		journal.open().forEach(leftover -> queue.add(new Journaled(leftover.segment(), leftover.line())));
	}

	/** Journals the disclosures; returns once they survive a crash. */
	public void record(List<Disclosure> disclosures) {
		if (disclosures.isEmpty()) {
			return;
		}
		IParser parser = parsers.get();
		List<String> lines = new ArrayList<>(disclosures.size());
		for (Disclosure disclosure : disclosures) {
			AuditEvent event = AuditEvents.of(disclosure);
			event.setId(UUID.randomUUID().toString());
			lines.add(parser.encodeResourceToString(event));
		}
		long segment = journal.append(lines);
		lines.forEach(line -> queue.add(new Journaled(segment, line)));
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
	 * Stops the writer thread, stores whatever is still queued and closes the journal. The writer is
	 * not interrupted: an interrupt in the middle of a write makes the full-text index drop that batch
	 * after its commit. It notices within one interval.
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
		journal.close();
	}

	/** Stores everything queued so far and deletes the journal segments that are all stored; returns how many were stored. */
	public synchronized int flush() {
		int stored = 0;
		List<Journaled> batch = new ArrayList<>();
		for (int pending = queue.size(); pending > 0 && queue.drainTo(batch, BATCH) > 0; pending -= batch.size()) {
			stored += store(batch);
			batch.clear();
		}
		compact();
		return stored;
	}

	private void writeUntilStopped() {
		while (running) {
			try {
				Journaled first = queue.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
				if (first != null) {
					List<Journaled> batch = new ArrayList<>(List.of(first));
					queue.drainTo(batch, BATCH - 1);
					store(batch);
				}
				if (System.nanoTime() - lastCompact >= compactInterval.toNanos()) {
					compact();
				}
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return; // stop() stores what is left
			} catch (RuntimeException e) {
				log.error("The audit writer failed and goes on: {}", e.toString());
			}
		}
	}

	/** Stores a batch in one transaction, or failing that event by event; returns how many were stored. */
	private int store(List<Journaled> batch) {
		IParser parser = parsers.get();
		List<Journaled> readable = new ArrayList<>(batch.size());
		List<AuditEvent> events = new ArrayList<>(batch.size());
		for (Journaled journaled : batch) {
			try {
				events.add(parser.parseResource(AuditEvent.class, journaled.json()));
				readable.add(journaled);
			} catch (RuntimeException unreadable) {
				log.warn("An audit journal record is unreadable and skipped: {}", unreadable.toString());
				journal.settle(journaled.segment(), 1);
			}
		}
		try {
			storeInOneTransaction(events);
			settle(readable);
			return readable.size();
		} catch (RuntimeException e) {
			if (readable.size() > 1) {
				log.warn("Could not store {} audit events at once ({}): storing them one by one", readable.size(), e.toString());
			}
			return storeOneByOne(readable);
		}
	}

	private int storeOneByOne(List<Journaled> batch) {
		int stored = 0;
		IParser parser = parsers.get();
		for (Journaled journaled : batch) {
			try {
				storeInOneTransaction(List.of(parser.parseResource(AuditEvent.class, journaled.json())));
			} catch (RuntimeException e) {
				AuditEvent reduced = reduced(parser.parseResource(AuditEvent.class, journaled.json()));
				try {
					storeInOneTransaction(List.of(reduced));
					log.warn("Audit event {} stored with its references as identifiers: {}", reduced.getIdPart(), e.toString());
				} catch (RuntimeException again) {
					log.error("Could not store audit event {}; it stays in the journal {} for the next start: {}",
							reduced.getIdPart(), journal.directory(), again.toString());
					continue;
				}
			}
			journal.settle(journaled.segment(), 1);
			stored++;
		}
		return stored;
	}

	private void storeInOneTransaction(List<AuditEvent> events) {
		transactions.withSystemRequest().execute(() -> {
			entityManager.setFlushMode(FlushModeType.COMMIT);
			for (AuditEvent event : events) {
				auditEvents.update(event, new SystemRequestDetails());
			}
		});
	}

	/** The event with every reference (to an image or patient that may be gone) as a plain identifier. */
	private static AuditEvent reduced(AuditEvent event) {
		for (AuditEvent.AuditEventEntityComponent entity : event.getEntity()) {
			if (entity.getWhat().hasReference()) {
				String reference = entity.getWhat().getReference();
				entity.getWhat().setReference(null).setDisplay(reference).getIdentifier()
						.setSystem(REFERENCE_SYSTEM).setValue(reference);
			}
		}
		return event;
	}

	private void settle(List<Journaled> stored) {
		Map<Long, Integer> bySegment = new HashMap<>();
		stored.forEach(journaled -> bySegment.merge(journaled.segment(), 1, Integer::sum));
		bySegment.forEach(journal::settle);
	}

	/** Deletes the journal segments whose events are all stored, once the database has them on disk. */
	private void compact() {
		lastCompact = System.nanoTime();
		try {
			journal.compact(this::makeCommitsDurable);
		} catch (RuntimeException e) {
			log.error("Could not delete the stored part of the audit journal; it is kept: {}", e.toString());
		}
	}

	/** H2 writes committed transactions to disk after a delay (WRITE_DELAY); PostgreSQL's commits are durable. */
	private void makeCommitsDurable() {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			if ("H2".equals(connection.getMetaData().getDatabaseProductName())) {
				statement.execute("CHECKPOINT SYNC");
			}
		} catch (SQLException e) {
			throw new IllegalStateException("Could not make the stored audit events durable", e);
		}
	}
}
