package org.dermconsent.enforcement.index;

import org.hl7.fhir.r4.model.Consent;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The derm image consents one database transaction has written so far, by patient, so that the
 * images of the same transaction are labelled with them.
 *
 * <p>Within a FHIR transaction HAPI indexes the resources of a bundle only after storing all of them:
 * until then a search does not find the bundle's consents. Without this, a bundle bringing a patient's
 * consent and then the patient's images (the usual order) would label every image as if the consent
 * were not there, and {@link GrantIndexMaintainer} would rewrite all their labels before commit: one
 * {@code $meta-add} per image, each making Hibernate check every entity the bundle wrote (about 3x
 * the time of the same writes in two bundles).
 *
 * <p>What is noted here only spares that rewrite: the relabelling before commit still reads the
 * consents as stored and corrects any image whose labels differ.
 */
final class ConsentWritesOfTransaction {

	/** Per instance, so that two servers in one JVM (tests) never share one. */
	private final Object transactionKey = new Object();

	/** A consent of {@code patient} ("Patient/id") is being created: {@code consent} has no id yet unless the client chose it. */
	void created(String patient, Consent consent) {
		written(patient).put(consent.getIdElement().hasIdPart() ? consent.getIdElement().getIdPart() : new Object(), consent);
	}

	/** The consent with this id is being updated and is a derm image consent of {@code patient} now. */
	void updated(String patient, Consent consent) {
		written(patient).put(consent.getIdElement().getIdPart(), consent);
	}

	/** The consent with this id no longer is a derm image consent of {@code patient} (deleted or changed). */
	void removed(String patient, String consentId) {
		written(patient).put(consentId, null);
	}

	/**
	 * {@code stored}, the patient's consents as a search finds them, with what this transaction has
	 * written in place: new versions instead of stored ones, removed ones left out, new ones added.
	 */
	List<Consent> asWritten(String patient, List<Consent> stored) {
		Map<String, Map<Object, Consent>> byPatient = current();
		Map<Object, Consent> written = byPatient == null ? null : byPatient.get(patient);
		if (written == null) {
			return stored;
		}
		List<Consent> result = new ArrayList<>();
		for (Consent consent : stored) {
			String id = consent.getIdElement().getIdPart();
			if (!written.containsKey(id)) {
				result.add(consent);
			}
		}
		written.values().stream().filter(consent -> consent != null).forEach(result::add);
		return result;
	}

	private Map<Object, Consent> written(String patient) {
		Map<String, Map<Object, Consent>> byPatient = TransactionSynchronizationManager.isSynchronizationActive()
				? TransactionScoped.get(transactionKey, HashMap::new) : new HashMap<>();
		return byPatient.computeIfAbsent(patient, key -> new LinkedHashMap<>());
	}

	@SuppressWarnings("unchecked")
	private Map<String, Map<Object, Consent>> current() {
		return (Map<String, Map<Object, Consent>>) TransactionSynchronizationManager.getResource(transactionKey);
	}
}
