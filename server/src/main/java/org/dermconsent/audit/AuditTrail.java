package org.dermconsent.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import org.dermconsent.rest.ServiceUnavailable;
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
import java.util.Iterator;
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
 * <p>An event that cannot be stored never holds up the others: a failed batch is stored event by
 * event; an event that still fails is stored with the references that do not resolve (an image
 * deleted meanwhile, or lost with the database's last second in a crash) as identifiers, first of
 * the images only, then of every reference; one that fails even so is set aside and tried again
 * alone, less and less often (up to every {@link #MAX_RETRY_DELAY}), while the writer goes on with
 * new events. While the database is down a batch is set aside whole, without the one-by-one tries.
 * Whatever is set aside stays in the journal, so a restart tries it again too.
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
	private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(5);
	private static final String REFERENCE_SYSTEM = "https://dermconsent.org/fhir/NamingSystem/resource-reference";

	/** A journaled event waiting to be stored, as the JSON it was journaled as. */
	private record Journaled(long segment, String json) {}

	/** An event that could not be stored, with how often it failed and when to try it again. */
	private record SetAside(Journaled event, int failures, long dueNanos) {}

	private final IFhirResourceDao<AuditEvent> auditEvents;
	private final IHapiTransactionService transactions;
	private final EntityManager entityManager;
	private final Supplier<IParser> parsers;
	private final DataSource dataSource;
	private final AuditJournal journal;
	private final Duration interval;
	private final Duration compactInterval;
	private final BlockingQueue<Journaled> queue = new LinkedBlockingQueue<>();
	/** Journaled and not stored yet, with when each was journaled (0: by an earlier run); see {@link #storedEverythingJournaledBefore}. */
	private final Map<Journaled, Long> unstored = new java.util.concurrent.ConcurrentHashMap<>();
	/** Only the thread that stores (the writer, or {@link #stop} after it) touches this. */
	private final List<SetAside> setAside = new ArrayList<>();
	private volatile boolean running;
	private Thread writer;
	private long lastCompact = System.nanoTime();

	public AuditTrail(IFhirResourceDao<AuditEvent> auditEvents, FhirContext fhirContext,
			IHapiTransactionService transactions, EntityManager entityManager, DataSource dataSource, AuditJournal journal,
			Duration interval, Duration compactInterval) {
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
		journal.open().forEach(leftover -> {
			Journaled journaled = new Journaled(leftover.segment(), leftover.line());
			unstored.put(journaled, 0L);
			queue.add(journaled);
		});
	}

	/**
	 * Journals the disclosures; returns once they survive a crash. Throws if they could not be
	 * journaled: the response that discloses them must then not be sent.
	 */
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
		long now = System.currentTimeMillis();
		lines.forEach(line -> {
			Journaled journaled = new Journaled(segment, line);
			unstored.put(journaled, now);
			queue.add(journaled);
		});
	}

	/**
	 * Whether every disclosure journaled on this server before {@code instant} is stored as an
	 * AuditEvent (those set aside after failing are not). Withdrawal notices wait for this.
	 */
	public boolean storedEverythingJournaledBefore(java.time.Instant instant) {
		long before = instant.toEpochMilli();
		return unstored.values().stream().noneMatch(at -> at < before);
	}

	AuditJournal journal() {
		return journal;
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
	 * Stops the writer thread, stores whatever is still queued (and tries what was set aside once
	 * more) and closes the journal. The writer is not interrupted: an interrupt in the middle of a
	 * write makes the full-text index drop that batch after its commit. It notices within one interval.
	 */
	public synchronized void stop() {
		running = false;
		if (writer != null) {
			try {
				writer.join(TimeUnit.SECONDS.toMillis(30));
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			if (writer.isAlive()) {
				log.warn("The audit writer is still storing after 30 s; what it has not stored stays in the journal {}",
						journal.directory());
				writer = null;
				journal.close();
				return;
			}
			writer = null;
		}
		List<Journaled> batch = new ArrayList<>();
		while (queue.drainTo(batch, BATCH) > 0) {
			store(batch);
			batch.clear();
		}
		List<Journaled> again = setAside.stream().map(SetAside::event).toList();
		setAside.clear();
		for (int from = 0; from < again.size(); from += BATCH) {
			store(again.subList(from, Math.min(again.size(), from + BATCH)));
		}
		if (!setAside.isEmpty()) {
			log.warn("{} audit events could not be stored; they stay in the journal {} for the next start",
					setAside.size(), journal.directory());
		}
		compact();
		journal.close();
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
				retryWhatIsDue();
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

	/** Stores, as one batch, the events set aside whose time has come. */
	private void retryWhatIsDue() {
		long now = System.nanoTime();
		List<Journaled> due = new ArrayList<>();
		Map<Journaled, Integer> failures = new HashMap<>();
		for (Iterator<SetAside> it = setAside.iterator(); it.hasNext() && due.size() < BATCH; ) {
			SetAside next = it.next();
			if (next.dueNanos() - now <= 0) {
				it.remove();
				due.add(next.event());
				failures.put(next.event(), next.failures());
			}
		}
		if (!due.isEmpty()) {
			int stored = store(due, failures);
			if (stored > 0) {
				log.info("Stored {} audit events that had failed before", stored);
			}
		}
	}

	private int store(List<Journaled> batch) {
		return store(batch, Map.of());
	}

	/**
	 * Stores a batch in one transaction, or failing that event by event; sets aside what cannot be
	 * stored; returns how many were stored.
	 */
	private int store(List<Journaled> batch, Map<Journaled, Integer> earlierFailures) {
		IParser parser = parsers.get();
		List<Journaled> readable = new ArrayList<>(batch.size());
		List<AuditEvent> events = new ArrayList<>(batch.size());
		for (Journaled journaled : batch) {
			try {
				events.add(parser.parseResource(AuditEvent.class, journaled.json()));
				readable.add(journaled);
			} catch (RuntimeException unreadable) {
				log.error("An audit journal record is unreadable and skipped: {}", unreadable.toString());
				journal.settle(journaled.segment(), 1);
				unstored.remove(journaled);
			}
		}
		if (readable.isEmpty()) {
			return 0;
		}
		try {
			storeInOneTransaction(events);
			settle(readable);
			return readable.size();
		} catch (RuntimeException e) {
			if (ServiceUnavailable.isOutage(e)) {
				log.warn("Could not store {} audit events, the database is unavailable ({}); they wait in the journal",
						readable.size(), e.toString());
				readable.forEach(journaled -> setAside(journaled, earlierFailures.getOrDefault(journaled, 0) + 1, null));
				return 0;
			}
			if (readable.size() > 1) {
				log.warn("Could not store {} audit events at once ({}): storing them one by one", readable.size(), e.toString());
			}
			return storeOneByOne(readable, earlierFailures);
		}
	}

	private int storeOneByOne(List<Journaled> batch, Map<Journaled, Integer> earlierFailures) {
		int stored = 0;
		for (Journaled journaled : batch) {
			RuntimeException failure = storeAlone(journaled);
			if (failure == null) {
				journal.settle(journaled.segment(), 1);
				unstored.remove(journaled);
				stored++;
			} else {
				setAside(journaled, earlierFailures.getOrDefault(journaled, 0) + 1, failure);
			}
		}
		return stored;
	}

	/** Stores one event, reduced if need be; returns null if it is stored, else why not. */
	private RuntimeException storeAlone(Journaled journaled) {
		IParser parser = parsers.get();
		try {
			storeInOneTransaction(List.of(parser.parseResource(AuditEvent.class, journaled.json())));
			return null;
		} catch (RuntimeException whole) {
			if (ServiceUnavailable.isOutage(whole)) {
				return whole;
			}
			for (boolean patientsToo : new boolean[] {false, true}) {
				AuditEvent reduced = reduced(parser.parseResource(AuditEvent.class, journaled.json()), patientsToo);
				try {
					storeInOneTransaction(List.of(reduced));
					log.warn("Audit event {} stored with its {} references as identifiers: {}", reduced.getIdPart(),
							patientsToo ? "image and patient" : "image", whole.toString());
					return null;
				} catch (RuntimeException again) {
					whole = again;
				}
			}
			return whole;
		}
	}

	/** Keeps an event to try again later; its first failure (but not an outage's) is an error. */
	private void setAside(Journaled journaled, int failures, RuntimeException failure) {
		long delay = Math.min(MAX_RETRY_DELAY.toMillis(), interval.toMillis() << Math.min(failures, 20));
		setAside.add(new SetAside(journaled, failures, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay)));
		if (failure != null && failures == 1) {
			log.error("Could not store an audit event; it stays in the journal {} and is tried again, next in {} ms: {}",
					journal.directory(), delay, failure.toString());
		} else if (failure != null) {
			log.debug("Audit event still not stored after {} attempts: {}", failures, failure.toString());
		}
	}

	private void storeInOneTransaction(List<AuditEvent> events) {
		transactions.withSystemRequest().execute(() -> {
			entityManager.setFlushMode(FlushModeType.COMMIT);
			for (AuditEvent event : events) {
				auditEvents.update(event, new SystemRequestDetails());
			}
		});
	}

	/** The event with its references to images (and to patients too, if asked) as plain identifiers. */
	private static AuditEvent reduced(AuditEvent event, boolean patientsToo) {
		for (AuditEvent.AuditEventEntityComponent entity : event.getEntity()) {
			String reference = entity.getWhat().getReference();
			if (reference != null && (patientsToo || !reference.startsWith("Patient/"))) {
				entity.getWhat().setReference(null).setDisplay(reference).getIdentifier()
						.setSystem(REFERENCE_SYSTEM).setValue(reference);
			}
		}
		return event;
	}

	private void settle(List<Journaled> stored) {
		stored.forEach(unstored::remove);
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
			if (ServiceUnavailable.isOutage(e)) {
				log.warn("The stored part of the audit journal is kept while the database is unavailable: {}", e.toString());
			} else {
				log.error("Could not delete the stored part of the audit journal; it is kept: {}", e.toString());
			}
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
