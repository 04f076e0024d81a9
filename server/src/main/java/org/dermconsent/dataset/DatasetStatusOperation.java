package org.dermconsent.dataset;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.dermconsent.vocabulary.Datasets;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /List/{id}/$dataset-status}: which of a dataset's images are no longer permitted for
 * its purpose and client. Each image is decided as its disclosure would be, by the consent core from
 * the patient's consents as they are now, for the dataset's purpose and the calling client's
 * requesters; an image deleted since is no longer permitted either. Only the client the dataset was
 * made for may ask; to anyone else the dataset does not exist (404), as a read of it answers.
 */
public class DatasetStatusOperation {

	private static final int IMAGES_PER_QUERY = 200;

	private final IFhirResourceDao<ListResource> lists;
	private final IFhirResourceDao<Media> images;
	private final ImageConsentDecisions decisions;

	public DatasetStatusOperation(DaoRegistry daoRegistry, ImageConsentDecisions decisions) {
		this.lists = daoRegistry.getResourceDao(ListResource.class);
		this.images = daoRegistry.getResourceDao(Media.class);
		this.decisions = decisions;
	}

	@Operation(name = "$dataset-status", idempotent = true, type = ListResource.class)
	public Parameters datasetStatus(@IdParam IdType id, RequestDetails request) {
		ListResource list = readOwnDataset(id.toUnqualifiedVersionless(), request);
		ImageUse purpose = Datasets.purpose(list).flatMap(ImageUse::find)
				.orElseThrow(() -> new InvalidRequestException("This dataset names no purpose"));
		AccessRequest access = new AccessRequest(purpose, RequestPurpose.access(request).actors(), Instant.now());

		List<String> entries = list.getEntry().stream().map(entry -> entry.getItem().getReference())
				.filter(reference -> reference != null && reference.startsWith("Media/")).toList();
		Map<String, Media> current = currentImages(entries);
		ImageConsentDecisions.Batch batch = decisions.batch();
		List<String> withdrawn = new ArrayList<>();
		for (String image : entries) {
			Media stored = current.get(image);
			if (stored == null || !batch.decide(stored, access).permit()) {
				withdrawn.add(image);
			}
		}

		Parameters result = new Parameters();
		result.addParameter().setName("permitted").setValue(new IntegerType(entries.size() - withdrawn.size()));
		result.addParameter().setName("withdrawn").setValue(new IntegerType(withdrawn.size()));
		withdrawn.forEach(image -> result.addParameter().setName("withdrawn-image").setValue(new Reference(image)));
		return result;
	}

	private ListResource readOwnDataset(IdType id, RequestDetails request) {
		ListResource list;
		try {
			list = lists.read(id, new SystemRequestDetails());
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			throw new ResourceNotFoundException(id);
		}
		if (!Datasets.mayAccess(list, RequestPurpose.client(request))) {
			throw new ResourceNotFoundException(id); // another client's dataset: its existence is not disclosed
		}
		if (!Datasets.isDataset(list)) {
			throw new InvalidRequestException(id.getValue() + " is not a dataset (List with code "
					+ Datasets.DATASET_CODE + ")");
		}
		return list;
	}

	/** The current version of each image still stored, by reference ({@code Media/{id}}). */
	private Map<String, Media> currentImages(List<String> references) {
		Map<String, Media> found = new HashMap<>();
		for (int from = 0; from < references.size(); from += IMAGES_PER_QUERY) {
			TokenOrListParam ids = new TokenOrListParam();
			references.subList(from, Math.min(references.size(), from + IMAGES_PER_QUERY))
					.forEach(reference -> ids.addOr(new TokenParam(reference.substring("Media/".length()))));
			SearchParameterMap query = SearchParameterMap.newSynchronous().add("_id", ids);
			for (IBaseResource resource : images.searchForResources(query, new SystemRequestDetails())) {
				Optional.of(resource).filter(Media.class::isInstance).map(Media.class::cast)
						.ifPresent(image -> found.put("Media/" + image.getIdElement().getIdPart(), image));
			}
		}
		return found;
	}
}
