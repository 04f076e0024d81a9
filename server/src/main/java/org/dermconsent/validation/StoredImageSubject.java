package org.dermconsent.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.util.regex.Pattern;

/**
 * A stored image names its patient by a literal Patient reference, whatever its identifiability.
 *
 * <p>The derm-media profile also accepts a de-identified image whose subject is an identifier only,
 * because that is how the server serves it for secondary uses (the patient replaced by a pseudonym)
 * and what it serves must validate against what it claims. A stored image without its patient,
 * though, would have no governing consent and no grant labels, so the server keeps the stricter rule
 * of DESIGN 4 for what it stores.
 */
final class StoredImageSubject {

	private static final Pattern LITERAL_PATIENT = Pattern.compile("(^|/)Patient/[^/]+(/_history/[^/]+)?$");

	private StoredImageSubject() {}

	static void require(FhirContext fhirContext, Media media) {
		String reference = media.getSubject().getReference();
		if (reference != null && LITERAL_PATIENT.matcher(reference).find()) {
			return;
		}
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue()
				.setSeverity(OperationOutcome.IssueSeverity.ERROR)
				.setCode(OperationOutcome.IssueType.INVARIANT)
				.setDiagnostics("derm-media-6: a stored image names its patient by a literal Patient reference"
						+ " (an identifier alone is only how a de-identified image is served)")
				.addExpression("Media.subject");
		throw new UnprocessableEntityException(fhirContext, outcome);
	}
}
