package org.dermconsent.vocabulary;

import ca.uhn.fhir.jpa.model.util.JpaConstants;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Extension;

import java.util.Optional;

/**
 * Bulk export writes its output files as Binaries whose meta carries the export job's id. Such a
 * file belongs to the client and purpose that started the job, not to any image: its contents were
 * decided image by image when the job wrote it.
 */
public final class ExportFiles {

	private ExportFiles() {}

	/** The id of the export job that wrote {@code binary}, or empty if it is not an export file. */
	public static Optional<String> jobIdOf(Binary binary) {
		Extension job = binary.getMeta().getExtensionByUrl(JpaConstants.BULK_META_EXTENSION_JOB_ID);
		return job == null || job.getValue() == null ? Optional.empty() : Optional.ofNullable(job.getValue().primitiveValue());
	}

	public static boolean isExportFile(Binary binary) {
		return jobIdOf(binary).isPresent();
	}
}
