package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ConsentDecider;
import org.dermconsent.consent.Decision;
import org.dermconsent.consent.ImageFacts;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Media;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The last check before an image or its bytes leave the storage layer, whatever path fetched them:
 * read, vread, search pages, _include/_revinclude, history, $everything, batch and transaction
 * GET entries. A denied image requested by id is 403; inside any result set it is left out.
 *
 * <p>Writes are never filtered here: HAPI loses data when consent filtering runs inside writes.
 */
@Interceptor
public class DisclosureGuard {

	private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(
			RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH,
			RestOperationTypeEnum.DELETE, RestOperationTypeEnum.TRANSACTION, RestOperationTypeEnum.BATCH,
			RestOperationTypeEnum.META_ADD, RestOperationTypeEnum.META_DELETE);
	private static final Set<RestOperationTypeEnum> READS_BY_ID =
			EnumSet.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD);

	private final ImageConsentDecisions decisions;
	private final ImageOfBinary imageOfBinary;
	private final ConsentDecider decider = new ConsentDecider();

	public DisclosureGuard(ImageConsentDecisions decisions, ImageOfBinary imageOfBinary) {
		this.decisions = decisions;
		this.imageOfBinary = imageOfBinary;
	}

	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void hideDeniedImages(IPreResourceAccessDetails resources, RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails || WRITES.contains(request.getRestOperationType())) {
			return;
		}
		AccessRequest access = AccessRequest.of(RequestPurpose.of(request), Instant.now());
		ImageConsentDecisions.Batch batch = decisions.batch();
		for (int i = 0; i < resources.size(); i++) {
			Optional<Decision> denial = denial(resources.getResource(i), access, batch);
			if (denial.isPresent()) {
				if (READS_BY_ID.contains(request.getRestOperationType())) {
					throw new ForbiddenOperationException("Access denied by the patient's image consent: "
							+ denial.get().reason());
				}
				resources.setDontReturnResourceAtIndex(i);
			}
		}
	}

	private Optional<Decision> denial(IBaseResource resource, AccessRequest access, ImageConsentDecisions.Batch batch) {
		if (resource instanceof Media image) {
			return deniedOrEmpty(batch.decide(image, access));
		}
		if (resource instanceof Binary binary) {
			List<Media> images = imageOfBinary.imagesOf(binary);
			if (images.isEmpty()) {
				// image bytes nobody has described yet: no patient has been asked, so only care may see them
				return ImageOfBinary.holdsAnImage(binary)
						? deniedOrEmpty(decider.decide(ImageFacts.anyImage(null), List.of(), access))
						: Optional.empty();
			}
			return images.stream().map(image -> batch.decide(image, access)).filter(d -> !d.permit()).findFirst();
		}
		return Optional.empty();
	}

	private static Optional<Decision> deniedOrEmpty(Decision decision) {
		return decision.permit() ? Optional.empty() : Optional.of(decision);
	}
}
