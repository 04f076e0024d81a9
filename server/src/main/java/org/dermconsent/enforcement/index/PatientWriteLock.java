package org.dermconsent.enforcement.index;

import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.PersistenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Serializes the writes that decide a patient's grant labels (consent writes, image writes), across
 * every server node sharing the database: each takes a row lock on the patient's own row in HAPI's
 * resource table, held until its transaction ends. A writer that waited therefore sees, under READ
 * COMMITTED, everything the writer before it committed, and computes the labels from the consents
 * as they are now.
 *
 * <p>Patients are locked in one order (by reference) within each call, so that two writers that
 * touch the same patients never wait for each other in a circle. On PostgreSQL the lock is
 * {@code FOR NO KEY UPDATE}: the key-share locks that inserting a resource referring to the patient
 * takes do not conflict with it, but another such lock does.
 */
public class PatientWriteLock {

	private static final Logger log = LoggerFactory.getLogger(PatientWriteLock.class);
	private static final Object HELD_KEY = new Object();

	/** H2 gives up waiting for a row lock after one second by default: too soon behind a large relabelling. */
	private static final String H2_WAIT = "SET LOCK_TIMEOUT 30000";

	private final EntityManagerFactory entityManagerFactory;
	private final boolean postgres;
	private final String lockStatement;

	public PatientWriteLock(EntityManagerFactory entityManagerFactory, boolean postgres) {
		this.entityManagerFactory = entityManagerFactory;
		this.postgres = postgres;
		this.lockStatement = "SELECT RES_ID FROM HFJ_RESOURCE WHERE RES_TYPE = 'Patient' AND FHIR_ID = ?1"
				+ (postgres ? " FOR NO KEY UPDATE" : " FOR UPDATE");
	}

	/**
	 * Locks the patients (references {@code Patient/id}) until the current transaction ends; those it
	 * holds already are skipped. Outside a transaction there is nothing to hold a lock: does nothing.
	 */
	public void lock(Collection<String> patientReferences) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return;
		}
		Set<String> held = held();
		Set<String> wanted = new TreeSet<>(patientReferences);
		wanted.removeAll(held);
		if (wanted.isEmpty()) {
			return;
		}
		EntityManager entityManager = EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagerFactory);
		for (String patient : wanted) {
			String id = patient.substring(patient.indexOf('/') + 1);
			try {
				if (!postgres) {
					entityManager.createNativeQuery(H2_WAIT).setFlushMode(FlushModeType.COMMIT).executeUpdate();
				}
				entityManager.createNativeQuery(lockStatement)
						.setParameter(1, id)
						// taking the lock must not write this transaction's pending changes out of order
						.setFlushMode(FlushModeType.COMMIT)
						.getResultList();
			} catch (PersistenceException e) {
				log.warn("Could not lock {} for a consent or image write: {}", patient, e.toString());
				throw new UnclassifiedServerFailureException(503,
						"Other writes for " + patient + " are in progress; try again shortly");
			}
			held.add(patient);
		}
	}

	private static Set<String> held() {
		return TransactionScoped.get(HELD_KEY, HashSet::new);
	}
}
