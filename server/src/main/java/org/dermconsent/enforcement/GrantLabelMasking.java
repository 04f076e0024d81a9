package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.dermconsent.consent.fhir.FhirImageFacts;
import org.dermconsent.enforcement.index.GrantIndex;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;


/**
 * The grant labels belong to the server: clients never see them (they would reveal a patient's other
 * choices) and cannot set them (that would grant themselves access); see also {@link MetaOperationRefusal}.
 */
@Interceptor
public class GrantLabelMasking {

	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void hideGrantLabels(IPreResourceShowDetails resources, RequestDetails request) {
		if (request instanceof SystemRequestDetails) {
			return; // the server's own reads, the grant index among them, need the labels
		}
		for (int i = 0; i < resources.size(); i++) {
			strip(resources.getResource(i));
		}
	}

	// before the grant index labels a new image (order 100)
	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = -100)
	public void dropClientGrantLabelsOnCreate(IBaseResource resource, RequestDetails request) {
		if (!GrantIndex.isOwnWrite(request)) {
			strip(resource);
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void dropClientGrantLabelsOnUpdate(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (!GrantIndex.isOwnWrite(request)) {
			strip(resource);
		}
	}

	static void strip(IBaseResource resource) {
		if (resource instanceof Resource r) {
			FhirImageFacts.removeGrantLabels(r);
		}
	}
}
