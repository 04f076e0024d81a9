package org.dermconsent.dataset;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import org.dermconsent.access.JobAccess;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.vocabulary.Datasets;

import java.util.Optional;

/**
 * A dataset's List is written when its export's complete manifest is first asked for, before HAPI
 * answers with it; the manifest then names it (see the REST layer's manifest writer).
 *
 * <p>Why then, and not when the job completes: HAPI's batch framework completes the job in its own
 * final step, which offers no extension point, and a job's completion is only seen by a client
 * through this manifest. Writing here, before the answer, means no client ever holds a complete
 * manifest whose List is missing: if the List cannot be written, the request fails instead. Many
 * status requests at once still give one List ({@link DatasetLists}). A job that completes between
 * the look here and HAPI's own look is answered as still running (the manifest writer sees no List),
 * and the next poll writes it.
 */
@Interceptor
public class CompletedExportDataset {

	private final IJobCoordinator jobs;
	private final DatasetLists lists;

	public CompletedExportDataset(IJobCoordinator jobs, DatasetLists lists) {
		this.jobs = jobs;
		this.lists = lists;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void writeDatasetOfCompletedExport(RequestDetails request) {
		if (!ProviderConstants.OPERATION_EXPORT_POLL_STATUS.equals(request.getOperation())
				|| request.getRequestType() != RequestTypeEnum.GET) {
			return;
		}
		String[] jobIds = request.getParameters().get(JpaConstants.PARAM_EXPORT_POLL_STATUS_JOB_ID);
		if (jobIds == null || jobIds.length != 1) {
			return; // HAPI refuses it
		}
		JobInstance job;
		try {
			job = jobs.getInstance(jobIds[0]);
		} catch (ResourceNotFoundException e) {
			return; // HAPI answers 404
		}
		BulkExportJobParameters parameters = job.getParameters(BulkExportJobParameters.class);
		Optional<String> key = Datasets.keyOf(parameters);
		Optional<JobAccess> access = JobAccess.of(parameters);
		if (key.isEmpty() || access.isEmpty()
				|| !access.get().belongsTo(RequestPurpose.of(request), RequestPurpose.client(request))) {
			return; // not a dataset, or not the requester's (refused by the status's own guard)
		}
		Optional<String> list = job.getStatus() == StatusEnum.COMPLETED
				? Optional.of(lists.listOf(key.get(), access.get())) : Optional.empty();
		request.getUserData().put(Datasets.MANIFEST_KEY, new Datasets.ManifestDataset(list, access.get().purpose().code()));
	}
}
