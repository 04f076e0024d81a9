package org.dermconsent.enforcement;

import org.dermconsent.access.RequestPurpose;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.dermconsent.access.JobAccess;

/**
 * The status of an export job ({@code $export-poll-status}: its manifest, or its cancellation) is
 * for the client and purpose that started it, as its files are (see {@link ExportFileOwnership}).
 * An unknown job is left to HAPI to answer.
 */
@Interceptor
public class ExportStatusOwnership {

	private final ExportFileOwnership files;

	public ExportStatusOwnership(ExportFileOwnership files) {
		this.files = files;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void refuseOthersJobs(RequestDetails request) {
		if (!ProviderConstants.OPERATION_EXPORT_POLL_STATUS.equals(request.getOperation())) {
			return;
		}
		String[] jobIds = request.getParameters().get(JpaConstants.PARAM_EXPORT_POLL_STATUS_JOB_ID);
		if (jobIds == null || jobIds.length != 1) {
			return; // HAPI refuses it
		}
		boolean owner = files.belongsTo(jobIds[0], RequestPurpose.of(request), RequestPurpose.client(request)).orElse(true);
		if (!owner) {
			throw new ForbiddenOperationException("This export belongs to the client and purpose that started it");
		}
	}
}
