package org.dermconsent.enforcement;

import org.dermconsent.vocabulary.GrantLabelWrites;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;


/**
 * The grant labels belong to the server: clients never see them (they would reveal a patient's other
 * choices; the disclosure pipeline strips them from everything that leaves) and cannot set them (that
 * would grant themselves access: dropped here from every write); see also {@link MetaOperationRefusal}.
 */
@Interceptor
public class GrantLabelMasking {

	// before the grant index labels a new image (order 100)
	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = -100)
	public void dropClientGrantLabelsOnCreate(IBaseResource resource, RequestDetails request) {
		if (!GrantLabelWrites.isGrantLabelWrite(request)) {
			strip(resource);
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void dropClientGrantLabelsOnUpdate(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (!GrantLabelWrites.isGrantLabelWrite(request)) {
			strip(resource);
		}
	}

	static void strip(IBaseResource resource) {
		if (resource instanceof Resource r) {
			FhirImageFacts.removeGrantLabels(r);
		}
	}
}
