package org.dermconsent.enforcement.index;

import org.dermconsent.vocabulary.GrantLabelWrites;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import jakarta.persistence.EntityManagerFactory;
import org.dermconsent.consent.GrantLabels;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.dermconsent.vocabulary.DermProfiles;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Patient;
import org.dermconsent.consent.fhir.FhirConsentMapper;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps grant labels exact through writes. A new image is labelled before it is first stored. For
 * other writes it notes which images are affected and rewrites their labels just before the
 * transaction commits: all images of a patient whose derm image Consent was written (or whose image
 * moved or was deleted), just the image itself when only a Media was updated. Each at most once per transaction,
 * however many entries of a bundle touched it. The labels therefore commit with the write, and a
 * withdrawal is in force for the very next request.
 *
 * <p>Every such write first takes the {@link PatientWriteLock} of the patients it concerns, before it
 * reads anything the labels depend on, so that concurrent writes for one patient (on any node) take
 * turns and the last one computes the labels from all the consents the others committed.
 */
@Interceptor
public class GrantIndexMaintainer {

	private static final Object PENDING_KEY = new Object();

	private final GrantIndex index;
	private final CommitWithoutAutoFlush withoutAutoFlush;
	private final PatientWriteLock patientLock;

	public GrantIndexMaintainer(GrantIndex index, EntityManagerFactory entityManagerFactory, PatientWriteLock patientLock) {
		this.index = index;
		this.withoutAutoFlush = new CommitWithoutAutoFlush(entityManagerFactory);
		this.patientLock = patientLock;
	}

	/** After validation (order 0), before {@link #labelNewImage} reads the consents. */
	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = 50)
	public void lockBeforeCreate(IBaseResource resource, RequestDetails request) {
		if (!GrantLabelWrites.isGrantLabelWrite(request)) {
			patientLock.lock(patientsDecidedBy(resource));
			consentPatient(resource).ifPresent(patient -> index.consentWrites().created(patient, (Consent) resource));
		}
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = 50)
	public void lockBeforeUpdate(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (!GrantLabelWrites.isGrantLabelWrite(request)) {
			List<String> patients = new ArrayList<>(patientsDecidedBy(previous));
			patients.addAll(patientsDecidedBy(resource));
			if (resource instanceof Patient after && previous instanceof Patient before
					&& !Objects.equals(FhirConsentMapper.birthDate(before), FhirConsentMapper.birthDate(after))) {
				patients.add("Patient/" + after.getIdElement().getIdPart()); // relabelled below: see #updated
			}
			patientLock.lock(patients);
			consentPatient(previous).ifPresent(patient -> index.consentWrites().removed(patient, idPart(previous)));
			consentPatient(resource).ifPresent(patient -> index.consentWrites().updated(patient, (Consent) resource));
		}
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED, order = 50)
	public void lockBeforeDelete(IBaseResource resource, RequestDetails request) {
		if (!GrantLabelWrites.isGrantLabelWrite(request)) {
			patientLock.lock(patientsDecidedBy(resource));
			consentPatient(resource).ifPresent(patient -> index.consentWrites().removed(patient, idPart(resource)));
		}
	}

	/** After client-sent grant labels are dropped (GrantLabelMasking, order -100). */
	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = 100)
	public void labelNewImage(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Media image && !GrantLabelWrites.isGrantLabelWrite(request)) {
			index.labelsForNewImage(image).forEach(code -> image.getMeta().addSecurity(GrantLabels.SYSTEM, code, null));
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		if (!GrantLabelWrites.isGrantLabelWrite(request) && !(resource instanceof Media)) {
			consentPatient(resource).ifPresent(pending()::addPatient);
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (GrantLabelWrites.isGrantLabelWrite(request)) {
			return;
		}
		if (resource instanceof Media image && previous instanceof Media before) {
			Optional<String> patientBefore = FhirImageFacts.patient(before);
			Optional<String> patientAfter = FhirImageFacts.patient(image);
			if (patientBefore.equals(patientAfter)) {
				pending().addImage(image);
			} else {
				// a moved image also moves the derivatives whose consent it decides
				patientBefore.ifPresent(pending()::addPatient);
				patientAfter.ifPresent(pending()::addPatient);
			}
		} else if (resource instanceof Patient after && previous instanceof Patient before) {
			// the birth date decides when a guardian's consent stops governing
			if (!Objects.equals(FhirConsentMapper.birthDate(before), FhirConsentMapper.birthDate(after))) {
				pending().addPatient("Patient/" + after.getIdElement().getIdPart());
			}
		} else {
			consentPatient(previous).ifPresent(pending()::addPatient);
			consentPatient(resource).ifPresent(pending()::addPatient);
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request) {
		if (GrantLabelWrites.isGrantLabelWrite(request)) {
			return;
		}
		if (resource instanceof Media image) {
			// its derivatives now answer to their own subject's consent
			FhirImageFacts.patient(image).ifPresent(pending()::addPatient);
		} else {
			consentPatient(resource).ifPresent(pending()::addPatient);
		}
	}

	/** The patient whose labels the resource takes part in deciding: an image's or a derm image consent's. */
	private static List<String> patientsDecidedBy(IBaseResource resource) {
		Optional<String> patient = resource instanceof Media image ? FhirImageFacts.patient(image) : consentPatient(resource);
		return patient.map(List::of).orElse(List.of());
	}

	private static String idPart(IBaseResource resource) {
		return resource.getIdElement().getIdPart();
	}

	private static Optional<String> consentPatient(IBaseResource resource) {
		if (resource instanceof Consent consent && DermProfiles.isDermImageConsent(consent)
				&& "Patient".equals(consent.getPatient().getReferenceElement().getResourceType())) {
			return Optional.of("Patient/" + consent.getPatient().getReferenceElement().getIdPart());
		}
		return Optional.empty();
	}

	/** What this transaction must relabel before it commits; outside a transaction, right away. */
	private Pending pending() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return new Pending(true);
		}
		Pending pending = (Pending) TransactionSynchronizationManager.getResource(PENDING_KEY);
		if (pending == null) {
			pending = new Pending(false);
			TransactionSynchronizationManager.bindResource(PENDING_KEY, pending);
			TransactionSynchronizationManager.registerSynchronization(new RefreshAtCommit(pending));
		}
		return pending;
	}

	/** Patients whose consents changed (all their images), and single images that were written. */
	private final class Pending {
		private final boolean immediate;
		private final Set<String> patients = new LinkedHashSet<>();
		private final Map<String, Optional<String>> images = new LinkedHashMap<>();

		private Pending(boolean immediate) {
			this.immediate = immediate;
		}

		void addPatient(String patient) {
			patients.add(patient);
			if (immediate) {
				apply();
			}
		}

		void addImage(Media image) {
			images.put("Media/" + image.getIdElement().getIdPart(), FhirImageFacts.patient(image));
			if (immediate) {
				apply();
			}
		}

		void apply() {
			// normally held since the write began; a write that reached here by another path waits now
			Set<String> toLock = new LinkedHashSet<>(patients);
			images.values().forEach(patient -> patient.ifPresent(toLock::add));
			patientLock.lock(toLock);
			List<String> singleImages = images.entrySet().stream()
					.filter(image -> image.getValue().isEmpty() || !patients.contains(image.getValue().get()))
					.map(Map.Entry::getKey)
					.toList();
			List<String> wholePatients = List.copyOf(patients);
			patients.clear();
			images.clear();
			withoutAutoFlush.run(flush -> index.relabelling(wholePatients, singleImages).apply(flush));
		}
	}

	private final class RefreshAtCommit implements TransactionSynchronization {
		private final Pending pending;

		private RefreshAtCommit(Pending pending) {
			this.pending = pending;
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			TransactionSynchronizationManager.unbindResourceIfPossible(PENDING_KEY);
			pending.apply();
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(PENDING_KEY);
		}
	}
}
