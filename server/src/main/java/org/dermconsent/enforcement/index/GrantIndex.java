package org.dermconsent.enforcement.index;

import org.dermconsent.vocabulary.GrantLabelWrites;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.storage.IResourcePersistentId;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import org.dermconsent.consent.GrantLabels;
import org.dermconsent.consent.ImageGrants;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Meta;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps every image's grant labels ({@link GrantLabels}) equal to what its governing consent permits
 * now, so that searches can filter by purpose in SQL. Labels are written with {@code $meta-add} /
 * {@code $meta-delete} semantics: they change no resource version and no content.
 *
 * <p>Runs inside the caller's transaction: the labels commit (or roll back) with the write that
 * changed them.
 */
public class GrantIndex {

	private final IFhirResourceDao<Media> media;
	private final ImageConsentDecisions decisions;
	private final NewImageDecisions newImageDecisions;
	private final ConsentWritesOfTransaction consentWrites = new ConsentWritesOfTransaction();
	private final GrantRefreshSchedule schedule;
	private final PatientWriteLock patientLock;
	private final List<GrantLossListener> lossListeners;

	public GrantIndex(DaoRegistry daoRegistry, ImageConsentDecisions decisions, GrantRefreshSchedule schedule,
			PatientWriteLock patientLock, List<GrantLossListener> lossListeners) {
		this.media = daoRegistry.getResourceDao(Media.class);
		this.decisions = decisions;
		this.newImageDecisions = new NewImageDecisions(decisions, consentWrites);
		this.schedule = schedule;
		this.patientLock = patientLock;
		this.lossListeners = List.copyOf(lossListeners);
	}

	/**
	 * Rewrites the labels of every image the patient's consent governs: the patient's own images and
	 * derivatives of them filed elsewhere. Returns how many images changed.
	 */
	public int refresh(String patientReference) {
		return relabelling(List.of(patientReference), List.of()).apply();
	}

	/**
	 * The labels a new image gets before it is first stored, so that creating images needs no label
	 * writes of its own. A consent written in the same transaction relabels the patient's images
	 * before commit anyway. The patient's consents are read once per transaction (see {@link NewImageDecisions}).
	 */
	public Set<String> labelsForNewImage(Media image) {
		Instant now = Instant.now();
		// a derivative answers to its source's patient, whose lock this write does not hold: read afresh
		ImageConsentDecisions.Batch batch = FhirImageFacts.sourceMedia(image).isPresent() ? decisions.batch() : newImageDecisions.current();
		ImageGrants grants = batch.grants(image);
		Optional<Instant> next = GrantLabels.nextChangeAfter(grants, now);
		if (next.isPresent()) {
			FhirImageFacts.patient(image).ifPresent(patient -> schedule.setNoLaterThan(patient, next.get()));
		}
		return GrantLabels.stampedAt(grants, now);
	}

	/** Where writes note the consents they are writing, for the new images of their transaction. */
	ConsentWritesOfTransaction consentWrites() {
		return consentWrites;
	}

	/**
	 * Rewrites the labels of one image only: enough when the image itself was written and no consent
	 * changed. Returns whether its labels changed.
	 */
	public boolean refreshImage(String mediaReference) {
		return relabelling(List.of(), List.of(mediaReference)).apply() > 0;
	}

	/**
	 * Reads what the labels of the patients' images (as {@link #refresh}) and of the single images (as
	 * {@link #refreshImage}) depend on, and works out what to rewrite; nothing is written until
	 * {@link Relabelling#apply}. Reading everything first lets a transaction's commit read without
	 * flushing its session between reads (see {@link CommitWithoutAutoFlush}).
	 */
	Relabelling relabelling(Collection<String> patients, Collection<String> images) {
		// a concurrent write for these patients commits first, and what it committed is read below
		patientLock.lock(patients);
		Relabelling relabelling = new Relabelling(Instant.now());
		for (String patient : patients) {
			relabelling.patient(patient, imagesGovernedBy(patient));
		}
		for (String reference : images) {
			Media image = media.read(new IdType(reference), new SystemRequestDetails());
			// normally held since the image's write began (see GrantIndexMaintainer)
			patientLock.lock(FhirImageFacts.patient(image).map(List::of).orElse(List.of()));
			relabelling.image(image);
		}
		return relabelling;
	}

	/** The label rewrites and schedule changes that one {@link #relabelling} found, in the order found. */
	final class Relabelling {
		private final Instant now;
		private final ImageConsentDecisions.Batch batch = decisions.batch();
		/** Each image once, however many of the patients govern it. */
		private final Map<String, ImageGrants> grantsByImage = new LinkedHashMap<>();
		private final List<Media> imagesInOrder = new ArrayList<>();
		/** A patient's next change, or null: replaces what the schedule has for the patient. */
		private final Map<String, Instant> nextChangeOfPatient = new LinkedHashMap<>();
		/** A single image's next change: brings its patient's forward. */
		private final List<Map.Entry<String, Instant>> nextChangeNoLaterThan = new ArrayList<>();

		private Relabelling(Instant now) {
			this.now = now;
		}

		private void patient(String patient, List<Media> governed) {
			Instant nextChange = null;
			for (Media image : governed) {
				Optional<Instant> next = GrantLabels.nextChangeAfter(grants(image), now);
				if (next.isPresent() && (nextChange == null || next.get().isBefore(nextChange))) {
					nextChange = next.get();
				}
			}
			nextChangeOfPatient.put(patient, nextChange);
		}

		private void image(Media image) {
			Optional<Instant> next = GrantLabels.nextChangeAfter(grants(image), now);
			Optional<String> patient = FhirImageFacts.patient(image);
			if (next.isPresent() && patient.isPresent()) {
				nextChangeNoLaterThan.add(Map.entry(patient.get(), next.get()));
			}
		}

		private ImageGrants grants(Media image) {
			return grantsByImage.computeIfAbsent(idOf(image), id -> {
				imagesInOrder.add(image);
				return batch.grants(image);
			});
		}

		/** Writes the labels that differ and the schedule; returns how many images changed. */
		int apply() {
			return apply(() -> { });
		}

		/**
		 * As {@link #apply()}, for a session that does not flush before its queries: {@code flush} is called
		 * after the first write of each label code, since HAPI looks up (and on first use creates) a
		 * code's tag definition by a query that must see one created earlier in the transaction.
		 */
		int apply(Runnable flush) {
			int changed = 0;
			Set<String> codesWritten = new HashSet<>();
			for (Media image : imagesInOrder) {
				Set<String> wanted = GrantLabels.stampedAt(grantsByImage.get(idOf(image)), now);
				if (relabel(image, wanted)) {
					changed++;
					if (codesWritten.addAll(wanted)) {
						flush.run();
					}
				}
			}
			nextChangeOfPatient.forEach(schedule::set);
			nextChangeNoLaterThan.forEach(next -> schedule.setNoLaterThan(next.getKey(), next.getValue()));
			return changed;
		}
	}

	private List<Media> imagesGovernedBy(String patientReference) {
		Map<String, Media> images = new LinkedHashMap<>();
		search(SearchParameterMap.newSynchronous().add(Media.SP_SUBJECT, new ReferenceParam(patientReference)))
				.forEach(image -> images.put(idOf(image), image));
		// chained, not a list of the images found above: HAPI resolves a list of ids with one OR per id,
		// which H2 answers by reading every resource of the database
		search(SearchParameterMap.newSynchronous().add("derived-from", new ReferenceParam("Media", Media.SP_SUBJECT, patientReference)))
				.forEach(derivative -> images.putIfAbsent(idOf(derivative), derivative));
		return List.copyOf(images.values());
	}

	/**
	 * Ids first, then each resource by id: loading a search's results in bulk inside the transaction
	 * that wrote them trips Hibernate 6.6 (an entity-holder assertion in the batch tag loader).
	 */
	private List<Media> search(SearchParameterMap query) {
		List<IResourcePersistentId<?>> ids = media.searchForIds(query, new SystemRequestDetails());
		return ids.stream().map(media::readByPid).toList();
	}

	private boolean relabel(Media image, Set<String> wanted) {
		Set<String> current = FhirImageFacts.grantLabels(image);
		Set<String> toAdd = new TreeSet<>(wanted);
		toAdd.removeAll(current);
		Set<String> toRemove = new TreeSet<>(current);
		toRemove.removeAll(wanted);
		if (!toAdd.isEmpty()) {
			media.metaAddOperation(image.getIdElement().toUnqualifiedVersionless(), labels(toAdd), ownWrite());
		}
		if (!toRemove.isEmpty()) {
			media.metaDeleteOperation(image.getIdElement().toUnqualifiedVersionless(), labels(toRemove), ownWrite());
		}
		if (GrantLabels.losesAGrant(current, wanted)) {
			lossListeners.forEach(listener -> listener.grantLost(idOf(image)));
		}
		return !toAdd.isEmpty() || !toRemove.isEmpty();
	}

	private static Meta labels(Set<String> codes) {
		Meta meta = new Meta();
		codes.forEach(code -> meta.addSecurity(GrantLabels.SYSTEM, code, null));
		return meta;
	}

	private static SystemRequestDetails ownWrite() {
		return GrantLabelWrites.newRequest();
	}

	private static String idOf(Media image) {
		return "Media/" + image.getIdElement().getIdPart();
	}
}
