package org.dermconsent.enforcement;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.dermconsent.access.JobAccess;
import org.dermconsent.consent.ImageUse;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A bulk export file belongs to the client and purpose that started its job (see {@link JobAccess}):
 * for anyone else, or for another purpose, a read of it is 403 and every other result (search,
 * history, includes) leaves it out. With security off there is no client, and the purpose decides.
 * A file whose job is gone, or was not started through this server, belongs to nobody.
 *
 * <p>This is the only check that decides export files: their contents were decided image by image
 * when the job wrote them, for the job's access, so the image rules let them through to here.
 */
@Interceptor
public class ExportFileOwnership {

	private static final Set<RestOperationTypeEnum> READS_BY_ID =
			EnumSet.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD);

	private final IJobCoordinator jobs;

	public ExportFileOwnership(IJobCoordinator jobs) {
		this.jobs = jobs;
	}

	/**
	 * A read by id is refused (403). Every other path is left to {@link #hideOthersFiles}: search results
	 * are loaded only to be shown, and checking them here would load them twice.
	 */
	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void refuseOthersFiles(IPreResourceAccessDetails resources, RequestDetails request) {
		if (!enforcedOn(request) || !READS_BY_ID.contains(request.getRestOperationType())) {
			return;
		}
		Owners owners = new Owners(request);
		for (int i = 0; i < resources.size(); i++) {
			if (!owners.mayAccess(resources.getResource(i))) {
				throw new ForbiddenOperationException(
						"This export file belongs to the client and purpose that started its export");
			}
		}
	}

	// every path shows what it returns; before disclosures are recorded (order -100)
	@Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = -250)
	public void hideOthersFiles(IPreResourceShowDetails resources, RequestDetails request) {
		if (!enforcedOn(request)) {
			return;
		}
		Owners owners = new Owners(request);
		for (int i = 0; i < resources.size(); i++) {
			IBaseResource resource = resources.getResource(i);
			if (resource != null && !owners.mayAccess(resource)) {
				resources.setResource(i, null);
			}
		}
	}

	/**
	 * Whether the export job {@code jobId} was started for {@code purpose} by {@code client}; empty if
	 * there is no such job.
	 */
	public Optional<Boolean> belongsTo(String jobId, ImageUse purpose, Optional<String> client) {
		BulkExportJobParameters job;
		try {
			job = jobs.getInstance(jobId).getParameters(BulkExportJobParameters.class);
		} catch (ResourceNotFoundException e) {
			return Optional.empty();
		}
		return Optional.of(JobAccess.of(job).map(access -> access.belongsTo(purpose, client)).orElse(false));
	}

	private static boolean enforcedOn(RequestDetails request) {
		return request != null && !(request instanceof SystemRequestDetails);
	}

	/** The export jobs met while serving one request, each looked up once; the request's purpose only if one is met. */
	private final class Owners {
		private final RequestDetails request;
		private final Map<String, Boolean> mayAccessJob = new HashMap<>();

		Owners(RequestDetails request) {
			this.request = request;
		}

		boolean mayAccess(IBaseResource resource) {
			if (!(resource instanceof Binary binary)) {
				return true;
			}
			return ExportFiles.jobIdOf(binary).map(job -> mayAccessJob.computeIfAbsent(job, this::ownsJob)).orElse(true);
		}

		private boolean ownsJob(String jobId) {
			return belongsTo(jobId, RequestPurpose.of(request), JobAccess.currentClient()).orElse(false);
		}
	}
}
