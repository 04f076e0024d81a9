package org.dermconsent.validation;

import org.dermconsent.vocabulary.GrantLabelWrites;
import org.dermconsent.vocabulary.DermProfiles;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Refuses to store a derm consent or a derm-media image that does not conform to its profile, with
 * 422 and the validator's issues (each pointing at the offending element). Runs in the storage
 * layer, so transactions and batches are checked too, and a failure rolls the transaction back.
 */
@Interceptor
public class ProfileValidationInterceptor {

	private final FhirContext fhirContext;
	private final FhirValidator validator;
	private final Object warmUpLock = new Object();
	private volatile boolean warm;

	public ProfileValidationInterceptor(FhirContext fhirContext, IValidationSupport validationSupport) {
		this.fhirContext = fhirContext;
		this.validator = fhirContext.newValidator();
		FhirInstanceValidator instanceValidator = new FhirInstanceValidator(validationSupport);
		instanceValidator.setAnyExtensionsAllowed(true);
		this.validator.registerValidatorModule(instanceValidator);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void validateCreated(IBaseResource resource) {
		validate(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void validateUpdated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		// the grant index changes only the server's own labels, never what a profile constrains
		if (!GrantLabelWrites.isGrantLabelWrite(request)) {
			validate(resource);
		}
	}

	/**
	 * Validates an empty Consent and Media against the profiles, so that the first write after a
	 * start does not wait while the validator loads and converts them (9 s measured, where later
	 * writes take 0.5 s). The outcome does not matter.
	 *
	 * <p>Every validation calls this first, and whoever comes first does the loading while the others
	 * wait: loading twice at once is not known to be safe. (CI's false 422s on a fresh server are put
	 * down to terminology being expanded during the first validations; see TerminologyPreExpansion.)
	 */
	public void warmUp() {
		if (warm) {
			return;
		}
		synchronized (warmUpLock) {
			if (!warm) {
				validator.validateWithResult(new Consent(), new ValidationOptions().addProfile(DermProfiles.DERM_IMAGE_CONSENT));
				validator.validateWithResult(new Media(), new ValidationOptions().addProfile(DermProfiles.DERM_MEDIA));
				warm = true;
			}
		}
	}

	private void validate(IBaseResource resource) {
		DermProfiles.requiredProfile(resource).ifPresent(profile -> {
			warmUp();
			ValidationResult result = validator.validateWithResult(resource, new ValidationOptions().addProfile(profile));
			OperationOutcome errors = errorsOnly((OperationOutcome) result.toOperationOutcome());
			if (!errors.getIssue().isEmpty()) {
				errors.getIssueFirstRep().setDiagnostics(
						"Resource does not conform to " + profile + ": " + errors.getIssueFirstRep().getDiagnostics());
				throw new UnprocessableEntityException(fhirContext, errors);
			}
		});
	}

	private static OperationOutcome errorsOnly(OperationOutcome outcome) {
		OperationOutcome errors = new OperationOutcome();
		outcome.getIssue().stream()
				.filter(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR
						|| issue.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
				.forEach(errors::addIssue);
		return errors;
	}
}
