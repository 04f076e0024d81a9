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
 *
 * <p>A resource is checked once its references are final. In a transaction bundle HAPI replaces
 * {@code urn:uuid:} references (an EHR's new Patient and Binary) with the ids it assigned only after
 * every entry was stored, so a resource that still refers to such a placeholder before it is stored
 * is checked just before the database transaction commits instead (refusing it there still rolls
 * the whole transaction back: nothing is written). Every other resource is checked before it is
 * stored, ahead of HAPI's own reference checks, so that a profile violation stays a 422 naming the
 * offending element.
 */
@Interceptor
public class ProfileValidationInterceptor {

	/** Marks a resource already checked before it was stored (user data, never stored itself). */
	private static final String VALIDATED = ProfileValidationInterceptor.class.getName() + ".validated";

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
		validateUnlessPlaceholdersRemain(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void validateUpdated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		// the grant index changes only the server's own labels, never what a profile constrains
		if (!GrantLabelWrites.isGrantLabelWrite(request)) {
			validateUnlessPlaceholdersRemain(resource);
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void validateCreatedWithResolvedReferences(IBaseResource resource) {
		validateIfDeferred(resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void validateUpdatedWithResolvedReferences(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (!GrantLabelWrites.isGrantLabelWrite(request)) {
			validateIfDeferred(resource);
		}
	}

	private void validateUnlessPlaceholdersRemain(IBaseResource resource) {
		if (!TransactionPlaceholders.referredToBy(fhirContext, resource)) {
			validate(resource);
			resource.setUserData(VALIDATED, Boolean.TRUE);
		}
	}

	/** Fails closed: whatever was not validated before it was stored (in this object) is validated now. */
	private void validateIfDeferred(IBaseResource resource) {
		if (Boolean.TRUE.equals(resource.getUserData(VALIDATED))) {
			resource.setUserData(VALIDATED, null);
		} else {
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
			if (resource instanceof Media media) {
				StoredImageSubject.require(fhirContext, media);
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
