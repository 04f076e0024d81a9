package org.dermconsent.dataset;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.dermconsent.vocabulary.Datasets;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ListResource;

/**
 * Dataset Lists are written by the server only: a dataset records what an export disclosed and under
 * which consents, so no client creates one (a forged one would name another client as source, and
 * withdrawal notices name the datasets of a client), changes one or deletes one; nor can another List
 * become one.
 */
@Interceptor
public class DatasetWrites {

	private static final String WRITTEN_BY_THE_SERVER = "Dataset Lists are written by the server when an export completes";

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		refuseIfDataset(resource, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		refuseIfDataset(previous, request);
		refuseIfDataset(resource, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request) {
		refuseIfDataset(resource, request);
	}

	private static void refuseIfDataset(IBaseResource resource, RequestDetails request) {
		if (resource instanceof ListResource list && Datasets.isDataset(list) && request != null
				&& !(request instanceof SystemRequestDetails)) {
			throw new ForbiddenOperationException(WRITTEN_BY_THE_SERVER);
		}
	}
}
