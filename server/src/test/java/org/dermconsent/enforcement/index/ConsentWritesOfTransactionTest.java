package org.dermconsent.enforcement.index;

import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsentWritesOfTransactionTest {

	private final ConsentWritesOfTransaction writes = new ConsentWritesOfTransaction();

	@AfterEach
	void endTransaction() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			List<TransactionSynchronization> synchronizations = TransactionSynchronizationManager.getSynchronizations();
			TransactionSynchronizationManager.clearSynchronization();
			synchronizations.forEach(synchronization -> synchronization.afterCompletion(TransactionSynchronization.STATUS_COMMITTED));
		}
	}

	@Test
	void theStoredConsentsAsThisTransactionWroteThem() {
		TransactionSynchronizationManager.initSynchronization();
		Consent kept = consent("1", "active");
		Consent replaced = consent("2", "active");
		Consent gone = consent("3", "active");
		Consent newVersion = consent("2", "inactive");
		Consent fresh = consent(null, "active");
		Consent freshToo = consent(null, "active");
		writes.updated("Patient/a", newVersion);
		writes.removed("Patient/a", "3");
		writes.created("Patient/a", fresh);
		writes.created("Patient/a", freshToo);

		assertThat(writes.asWritten("Patient/a", List.of(kept, replaced, gone)))
				.containsExactlyInAnyOrder(kept, newVersion, fresh, freshToo);
		assertThat(writes.asWritten("Patient/b", List.of(kept))).as("another patient's").containsExactly(kept);
	}

	@Test
	void aConsentMovedToAnotherPatientLeavesTheFirst() {
		TransactionSynchronizationManager.initSynchronization();
		Consent before = consent("7", "active");
		Consent after = consent("7", "active");
		writes.removed("Patient/a", "7");
		writes.updated("Patient/b", after);

		assertThat(writes.asWritten("Patient/a", List.of(before))).isEmpty();
		assertThat(writes.asWritten("Patient/b", List.of())).containsExactly(after);
	}

	@Test
	void nothingIsKeptBeyondTheTransactionOrOutsideOne() {
		writes.created("Patient/a", consent(null, "active"));
		assertThat(writes.asWritten("Patient/a", List.of())).as("outside a transaction").isEmpty();

		TransactionSynchronizationManager.initSynchronization();
		writes.created("Patient/a", consent(null, "active"));
		endTransaction();

		TransactionSynchronizationManager.initSynchronization();
		assertThat(writes.asWritten("Patient/a", List.of())).as("in the next transaction").isEmpty();
	}

	private static Consent consent(String id, String status) {
		Consent consent = new Consent();
		if (id != null) {
			consent.setId("Consent/" + id);
		}
		consent.setStatus(Consent.ConsentState.fromCode(status));
		return consent;
	}
}
