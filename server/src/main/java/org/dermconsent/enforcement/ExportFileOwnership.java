package org.dermconsent.enforcement;

import org.dermconsent.vocabulary.ExportFiles;
import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.dermconsent.access.JobAccess;
import org.dermconsent.consent.ImageUse;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bulk export file belongs to the client and purpose that started its job (see {@link JobAccess}):
 * for anyone else, or for another purpose, the disclosure pipeline refuses a read of it and leaves it
 * out of every other result (search, history, includes, other exports). With security off there is
 * no client, and the purpose decides. A file whose job is gone, or was not started through this
 * server, belongs to nobody.
 *
 * <p>This is the only rule that decides export files: their contents were decided image by image
 * when the job wrote them, for the job's access, so the image rules let them through.
 */
public class ExportFileOwnership {

	private final IJobCoordinator jobs;

	public ExportFileOwnership(IJobCoordinator jobs) {
		this.jobs = jobs;
	}

	/** The owners' check for one requester; each job met is looked up once. */
	public Owners forRequester(ImageUse purpose, Optional<String> client) {
		return new Owners(purpose, client);
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

	public final class Owners {
		private final ImageUse purpose;
		private final Optional<String> client;
		private final Map<String, Boolean> mayAccessJob = new HashMap<>();

		private Owners(ImageUse purpose, Optional<String> client) {
			this.purpose = purpose;
			this.client = client;
		}

		/** False only for an export file of another requester's job. */
		public boolean mayAccess(IBaseResource resource) {
			if (!(resource instanceof Binary binary)) {
				return true;
			}
			return ExportFiles.jobIdOf(binary)
					.map(job -> mayAccessJob.computeIfAbsent(job, id -> belongsTo(id, purpose, client).orElse(false)))
					.orElse(true);
		}
	}
}
