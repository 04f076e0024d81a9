package org.dermconsent.dataset;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.dermconsent.access.JobAccess;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.vocabulary.ClientDevices;
import org.dermconsent.vocabulary.Datasets;
import org.dermconsent.vocabulary.WithdrawalNotices;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Date;
import java.util.List;

/**
 * Writes a dataset's List once, from the entries its export filed: one List per dataset key, however
 * many status requests ask at once and on however many server nodes. Within a node, requests for the
 * same dataset take turns (a striped lock) and the later ones find the List written; across nodes,
 * the List and the dataset's row in {@code DC_DATASET} are written in one transaction, and the row's
 * primary key lets only one such transaction commit.
 */
public class DatasetLists {

	private static final Logger log = LoggerFactory.getLogger(DatasetLists.class);

	private final DatasetJournal journal;
	private final IFhirResourceDao<ListResource> lists;
	private final TransactionTemplate transactions;
	private final ClientDevices clients;
	private final Object[] stripes = new Object[64];

	public DatasetLists(DatasetJournal journal, DaoRegistry daoRegistry, TransactionTemplate transactions, ClientDevices clients) {
		this.journal = journal;
		this.clients = clients;
		this.lists = daoRegistry.getResourceDao(ListResource.class);
		this.transactions = transactions;
		for (int i = 0; i < stripes.length; i++) {
			stripes[i] = new Object();
		}
	}

	/** The dataset's List ({@code List/{id}}), written now if it is not yet. */
	public String listOf(String datasetKey, JobAccess access) {
		return journal.listOf(datasetKey).orElseGet(() -> {
			synchronized (stripes[Math.floorMod(datasetKey.hashCode(), stripes.length)]) {
				return journal.listOf(datasetKey).orElseGet(() -> write(datasetKey, access));
			}
		});
	}

	private String write(String datasetKey, JobAccess access) {
		long started = System.nanoTime();
		try {
			String[] written = new String[2];
			transactions.executeWithoutResult(status -> {
				List<DatasetJournal.Entry> entries = journal.entries(datasetKey);
				String id = lists.create(list(datasetKey, access, entries), new SystemRequestDetails()).getId().getIdPart();
				written[0] = "List/" + id;
				written[1] = String.valueOf(entries.size());
				journal.written(datasetKey, written[0]);
			});
			log.info("Dataset {} written with {} images in {} ms", written[0], written[1], (System.nanoTime() - started) / 1_000_000);
			return written[0];
		} catch (DataIntegrityViolationException e) {
			// another node wrote this dataset's List first; ours was rolled back with the row
			return journal.listOf(datasetKey).orElseThrow(() -> e);
		}
	}

	private ListResource list(String datasetKey, JobAccess access, List<DatasetJournal.Entry> entries) {
		ListResource list = new ListResource();
		list.setStatus(ListResource.ListStatus.CURRENT);
		list.setMode(ListResource.ListMode.SNAPSHOT);
		list.getCode().addCoding(new Coding(Datasets.LIST_TYPE, Datasets.DATASET, "Dataset"));
		list.addIdentifier().setSystem(Datasets.IDENTIFIER_SYSTEM).setValue(Datasets.identifierValue(datasetKey));
		list.setTitle("Dataset for " + access.purpose().code());
		list.setDateElement(new DateTimeType(new Date()));
		String client = access.client().orElse(WithdrawalNotices.ANONYMOUS);
		// the client's Device; a client id that cannot be a resource id is named by identifier
		list.setSource(clients.deviceOf(client).map(Reference::new).orElseGet(() -> new Reference()
				.setIdentifier(new Identifier().setSystem(WithdrawalNotices.CLIENT_ID_SYSTEM).setValue(client))));
		list.addExtension(Datasets.PURPOSE, new Coding(ImageUse.SYSTEM, access.purpose().code(), null));
		for (DatasetJournal.Entry entry : entries) {
			ListResource.ListEntryComponent item = list.addEntry().setItem(new Reference(entry.image()));
			entry.consent().ifPresent(consent -> item.addExtension(Datasets.GOVERNING_CONSENT, new Reference(consent)));
		}
		return list;
	}
}
