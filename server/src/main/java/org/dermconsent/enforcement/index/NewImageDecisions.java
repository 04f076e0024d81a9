package org.dermconsent.enforcement.index;

import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The decision batch that labels the new images of one database transaction, so that an EHR's bundle
 * of many images per patient reads each patient's consents once instead of once per image.
 *
 * <p>Reusing what was read earlier in the transaction is safe because the image's write holds its
 * patient's {@link PatientWriteLock} until commit (no other transaction can change the patient's
 * consents meanwhile), and whatever this transaction itself changes later (a consent, a birth date, an
 * image moved to another patient) makes {@link GrantIndexMaintainer} relabel all of the patient's images
 * just before commit, from a fresh read. Consents this transaction wrote before the image are taken
 * as written ({@link ConsentWritesOfTransaction}): a search does not find them yet.
 */
final class NewImageDecisions {

	private final ImageConsentDecisions decisions;
	private final ConsentWritesOfTransaction consentWrites;
	/** Per instance, so that two servers in one JVM (tests) never share a batch. */
	private final Object transactionKey = new Object();

	NewImageDecisions(ImageConsentDecisions decisions, ConsentWritesOfTransaction consentWrites) {
		this.decisions = decisions;
		this.consentWrites = consentWrites;
	}

	/** This transaction's batch; outside a transaction, a new one for every call. */
	ImageConsentDecisions.Batch current() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return decisions.batch();
		}
		return TransactionScoped.get(transactionKey, () -> decisions.batch(consentWrites::asWritten));
	}
}
