package org.dermconsent.enforcement.index;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import jakarta.persistence.EntityManagerFactory;
import org.dermconsent.consent.fhir.FhirImageFacts;
import org.dermconsent.validation.DermProfiles;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Media;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Notes which patients' images a write affects (a Media, or a derm image Consent, created, updated
 * or deleted) and rewrites their grant labels just before the transaction commits, once per patient
 * however many entries of a transaction bundle touched them. The labels therefore commit with the
 * write, and a withdrawal is in force for the very next request.
 */
@Interceptor
public class GrantIndexMaintainer {

	private static final Object PENDING_KEY = new Object();

	private final GrantIndex index;
	private final EntityManagerFactory entityManagerFactory;

	public GrantIndexMaintainer(GrantIndex index, EntityManagerFactory entityManagerFactory) {
		this.index = index;
		this.entityManagerFactory = entityManagerFactory;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		affected(request, resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		affected(request, previous);
		affected(request, resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request) {
		affected(request, resource);
	}

	private void affected(RequestDetails request, IBaseResource resource) {
		if (GrantIndex.isOwnWrite(request)) {
			return;
		}
		patientOf(resource).ifPresent(this::refreshBeforeCommit);
	}

	private static Optional<String> patientOf(IBaseResource resource) {
		if (resource instanceof Media image) {
			return FhirImageFacts.patient(image);
		}
		if (resource instanceof Consent consent && DermProfiles.isDermImageConsent(consent)
				&& "Patient".equals(consent.getPatient().getReferenceElement().getResourceType())) {
			return Optional.of("Patient/" + consent.getPatient().getReferenceElement().getIdPart());
		}
		return Optional.empty();
	}

	@SuppressWarnings("unchecked")
	private void refreshBeforeCommit(String patientReference) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			index.refresh(patientReference);
			return;
		}
		Set<String> pending = (Set<String>) TransactionSynchronizationManager.getResource(PENDING_KEY);
		if (pending == null) {
			Set<String> patients = new LinkedHashSet<>();
			TransactionSynchronizationManager.bindResource(PENDING_KEY, patients);
			TransactionSynchronizationManager.registerSynchronization(new RefreshAtCommit(patients));
			pending = patients;
		}
		pending.add(patientReference);
	}

	private final class RefreshAtCommit implements TransactionSynchronization {
		private final Set<String> patients;

		private RefreshAtCommit(Set<String> patients) {
			this.patients = patients;
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			TransactionSynchronizationManager.unbindResourceIfPossible(PENDING_KEY);
			// the searches below must see this transaction's own writes
			EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagerFactory).flush();
			patients.forEach(index::refresh);
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(PENDING_KEY);
		}
	}
}
