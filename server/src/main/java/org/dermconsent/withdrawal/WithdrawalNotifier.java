package org.dermconsent.withdrawal;

import org.dermconsent.background.ScheduledRound;
import org.dermconsent.vocabulary.ClientDevices;
import org.dermconsent.vocabulary.Datasets;
import org.dermconsent.vocabulary.WithdrawalNotices;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.IResourcePersistentId;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.GrantLabels;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns grant losses into withdrawal notices. A round takes the losses recorded at least
 * {@code settle} ago (so that a request that read an image just before the change has journaled its
 * disclosure), waits until the audit has stored every disclosure journaled up to then (at most
 * {@code maxWait}, then it goes on without and warns), and finds in the AuditEvents who received each
 * image, for which purpose, since they were last told about it. Each (client, purpose) for which the
 * image is no longer permitted now makes the image part of that client's notice: one Task per client
 * and round, with an {@code image} input per Media and a {@code dataset} input per dataset List of the
 * client holding one of them. Notices, their bookkeeping and the deletion of the losses they settle
 * commit together.
 */
public class WithdrawalNotifier {

	private static final Logger log = LoggerFactory.getLogger(WithdrawalNotifier.class);
	private static final int LOSSES_PER_ROUND = 500;
	private static final int REFERENCES_PER_QUERY = 200;

	/** A client received an image for a purpose at an instant. */
	private record Receipt(String client, ImageUse purpose, String image, long atMillis) {}

	private final GrantLossJournal losses;
	private final DisclosureBacklog backlog;
	private final TransactionTemplate transaction;
	private final IFhirResourceDao<AuditEvent> auditEvents;
	private final IFhirResourceDao<Media> media;
	private final IFhirResourceDao<Task> tasks;
	private final ClientDevices clients;
	private final DaoRegistry daoRegistry;
	private final ScheduledRound rounds;
	private final Duration settle;
	private final Duration maxWait;

	public WithdrawalNotifier(GrantLossJournal losses, DisclosureBacklog backlog, TransactionTemplate transaction,
			DaoRegistry daoRegistry, ClientDevices clients, Duration interval, Duration settle, Duration maxWait) {
		this.losses = losses;
		this.backlog = backlog;
		this.transaction = transaction;
		this.daoRegistry = daoRegistry;
		this.auditEvents = daoRegistry.getResourceDao(AuditEvent.class);
		this.media = daoRegistry.getResourceDao(Media.class);
		this.tasks = daoRegistry.getResourceDao(Task.class);
		this.clients = clients;
		this.rounds = new ScheduledRound("withdrawal-notifier", interval, this::round);
		this.settle = settle;
		this.maxWait = maxWait;
	}

	public void start() {
		rounds.start();
	}

	public void stop() {
		rounds.stop();
	}

	/** One round; returns how many notices it wrote. */
	public int round() {
		try {
			Instant now = Instant.now();
			List<GrantLossJournal.Loss> due = losses.oldest(now.minus(settle), LOSSES_PER_ROUND);
			if (due.isEmpty()) {
				return 0;
			}
			long newest = due.stream().mapToLong(GrantLossJournal.Loss::lostAtMillis).max().orElseThrow();
			long oldest = due.stream().mapToLong(GrantLossJournal.Loss::lostAtMillis).min().orElseThrow();
			if (!backlog.storedEverythingJournaledBefore(Instant.ofEpochMilli(newest).plus(settle))) {
				if (now.toEpochMilli() - oldest < maxWait.toMillis()) {
					return 0; // the audit is still storing disclosures that may count
				}
				log.warn("Writing withdrawal notices although the audit has not stored all disclosures of the last {}:"
						+ " a client whose disclosure is not stored yet is not told", maxWait);
			}
			Integer written = transaction.execute(status -> notify(due, now));
			return written == null ? 0 : written;
		} catch (RuntimeException e) {
			log.warn("Withdrawal notice round failed, will retry: {}", e.toString());
			return 0;
		}
	}

	private int notify(List<GrantLossJournal.Loss> due, Instant now) {
		Set<String> images = new TreeSet<>();
		due.forEach(loss -> images.add(loss.image()));
		Map<String, Set<String>> affectedByClient = new LinkedHashMap<>();
		Map<String, Media> current = new HashMap<>();
		for (Receipt receipt : receipts(images)) {
			if (receipt.atMillis() <= losses.notifiedAt(receipt.client(), receipt.image())) {
				continue; // told before; received nothing since
			}
			Media image = current.computeIfAbsent(receipt.image(), this::readOrNull);
			if (!permittedNow(image, receipt, now)) {
				affectedByClient.computeIfAbsent(receipt.client(), client -> new TreeSet<>()).add(receipt.image());
			}
		}
		affectedByClient.forEach((client, affected) -> {
			Optional<String> owner = clients.deviceOf(client);
			if (owner.isEmpty()) {
				log.warn("Client id {} is not a FHIR id; it cannot own a withdrawal notice for {} image(s)", client, affected.size());
				return;
			}
			tasks.create(notice(owner.get(), affected, datasets(client, affected), now), new SystemRequestDetails());
			affected.forEach(image -> losses.notified(client, image, now));
		});
		losses.done(due);
		if (!affectedByClient.isEmpty()) {
			log.info("Withdrawal notices: {} client(s) told about {} image(s)", affectedByClient.size(),
					affectedByClient.values().stream().mapToInt(Set::size).sum());
		}
		return affectedByClient.size();
	}

	/** Every permitted secondary-use disclosure of the images, by the AuditEvents. */
	private List<Receipt> receipts(Set<String> images) {
		List<String> all = new ArrayList<>(images);
		List<Receipt> receipts = new ArrayList<>();
		for (int from = 0; from < all.size(); from += REFERENCES_PER_QUERY) {
			ReferenceOrListParam anyOf = new ReferenceOrListParam();
			all.subList(from, Math.min(all.size(), from + REFERENCES_PER_QUERY)).forEach(image -> anyOf.addOr(new ReferenceParam(image)));
			for (AuditEvent event : search(auditEvents, SearchParameterMap.newSynchronous().add(AuditEvent.SP_ENTITY, anyOf))) {
				receiptsIn(event, images, receipts);
			}
		}
		return receipts;
	}

	private static void receiptsIn(AuditEvent event, Set<String> images, List<Receipt> receipts) {
		if (event.getOutcome() != AuditEvent.AuditEventOutcome._0 || event.getRecorded() == null) {
			return;
		}
		Optional<String> client = event.getAgent().stream()
				.map(agent -> agent.getWho().getIdentifier())
				.filter(identifier -> WithdrawalNotices.CLIENT_ID_SYSTEM.equals(identifier.getSystem()) && identifier.hasValue())
				.map(identifier -> clientId(identifier.getValue())).findFirst();
		Optional<ImageUse> purpose = event.getPurposeOfEvent().stream().flatMap(concept -> concept.getCoding().stream())
				.filter(coding -> WithdrawalNotices.IMAGE_USE.equals(coding.getSystem()))
				.map(coding -> ImageUse.find(coding.getCode())).flatMap(Optional::stream).findFirst();
		if (client.isEmpty() || purpose.isEmpty() || purpose.get() == ImageUse.CLINICAL_CARE) {
			return;
		}
		for (AuditEvent.AuditEventEntityComponent entity : event.getEntity()) {
			String what = entity.getWhat().getReferenceElement().toUnqualifiedVersionless().getValue();
			if (what != null && images.contains(what)) {
				receipts.add(new Receipt(client.get(), purpose.get(), what, event.getRecorded().getTime()));
			}
		}
	}

	/**
	 * The client id an AuditEvent names: bulk export records the job's actor ({@code Device/<id>}),
	 * and with security off ({@code bulk-export}, {@code anonymous}) there is one client.
	 */
	private static String clientId(String recorded) {
		if (recorded.startsWith("Device/")) {
			return recorded.substring("Device/".length());
		}
		return "bulk-export".equals(recorded) ? WithdrawalNotices.ANONYMOUS : recorded;
	}

	/** Whether the image's grant labels (written in the change's transaction) still let the client have it. */
	private static boolean permittedNow(Media image, Receipt receipt, Instant now) {
		if (image == null) {
			return false; // deleted: disclosed for clinical care only
		}
		Set<String> actors = WithdrawalNotices.ANONYMOUS.equals(receipt.client()) ? Set.of() : Set.of(WithdrawalNotices.ownerFor(receipt.client()));
		AccessRequest request = new AccessRequest(receipt.purpose(), actors, now);
		Set<String> labels = FhirImageFacts.grantLabels(image);
		return GrantLabels.permits(labels, request).orElseGet(() -> GrantLabels.filterFor(request).matches(labels));
	}

	/**
	 * The image, or null if it is deleted. A search, not a read: a read that fails marks the whole
	 * transaction rollback-only.
	 */
	private Media readOrNull(String image) {
		return byId(media, new IdType(image).getIdPart());
	}

	private static <T extends IBaseResource> T byId(IFhirResourceDao<T> dao, String id) {
		List<T> found = search(dao, SearchParameterMap.newSynchronous().add("_id", new TokenParam(id)));
		return found.isEmpty() ? null : found.get(0);
	}

	/** The client's dataset Lists that hold any of the images. */
	private List<String> datasets(String client, Set<String> images) {
		if (!daoRegistry.isResourceTypeSupported("List")) {
			return List.of();
		}
		IFhirResourceDao<ListResource> lists = daoRegistry.getResourceDao(ListResource.class);
		Set<String> found = new TreeSet<>();
		List<String> all = new ArrayList<>(images);
		for (int from = 0; from < all.size(); from += REFERENCES_PER_QUERY) {
			ReferenceOrListParam anyOf = new ReferenceOrListParam();
			all.subList(from, Math.min(all.size(), from + REFERENCES_PER_QUERY)).forEach(image -> anyOf.addOr(new ReferenceParam(image)));
			SearchParameterMap query = SearchParameterMap.newSynchronous()
					.add(ListResource.SP_CODE, new TokenParam(Datasets.LIST_TYPE, Datasets.DATASET))
					.add(ListResource.SP_ITEM, anyOf);
			for (ListResource list : search(lists, query)) {
				if (belongsTo(list, client)) {
					found.add("List/" + list.getIdElement().getIdPart());
				}
			}
		}
		return List.copyOf(found);
	}

	/** A dataset's {@code source} names the client it was made for; with security off there is one client. */
	private static boolean belongsTo(ListResource list, String client) {
		return WithdrawalNotices.ANONYMOUS.equals(client) || Datasets.madeFor(list, client);
	}

	private static Task notice(String owner, Set<String> images, List<String> datasets, Instant now) {
		Task task = new Task();
		task.setStatus(Task.TaskStatus.REQUESTED);
		task.setIntent(Task.TaskIntent.ORDER);
		task.setCode(new CodeableConcept(new Coding(WithdrawalNotices.TASK_TYPE, WithdrawalNotices.WITHDRAWAL_NOTICE, "Withdrawal notice")));
		task.setOwner(new Reference(owner));
		task.setAuthoredOn(Date.from(now));
		task.setDescription("The patients' consents no longer permit these images for the purposes you received them for:"
				+ " delete them (and remove them from the datasets named), then set this Task's status to completed.");
		for (String image : images) {
			task.addInput().setType(new CodeableConcept(new Coding(WithdrawalNotices.TASK_TYPE, WithdrawalNotices.IMAGE_INPUT, null)))
					.setValue(new Reference(image));
		}
		for (String dataset : datasets) {
			task.addInput().setType(new CodeableConcept(new Coding(WithdrawalNotices.TASK_TYPE, WithdrawalNotices.DATASET_INPUT, null)))
					.setValue(new Reference(dataset));
		}
		return task;
	}

	/** Ids first, then each by id (see GrantIndex: bulk loading inside a transaction trips Hibernate 6.6). */
	@SuppressWarnings("unchecked")
	private static <T extends IBaseResource> List<T> search(IFhirResourceDao<T> dao, SearchParameterMap query) {
		List<IResourcePersistentId<?>> ids = dao.searchForIds(query, new SystemRequestDetails());
		return ids.stream().map(id -> (T) dao.readByPid(id)).toList();
	}
}
