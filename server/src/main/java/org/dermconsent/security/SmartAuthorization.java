package org.dermconsent.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOp;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOpClassifier;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import org.dermconsent.vocabulary.ExportFiles;
import org.dermconsent.vocabulary.ImageOfBinary;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.consent.ImageUse;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.dermconsent.security.SmartScope.Context;
import org.dermconsent.security.SmartScope.Permission;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * SMART scopes as HAPI authorization rules. {@code system/} and {@code user/} scopes act on any
 * resource of their type; {@code patient/} scopes only inside the compartment of the token's
 * {@code patient}, and without a patient in the token they grant nothing. What is not granted is
 * 403. Consent enforcement comes on top: a scope to read Media never lets an image out that its
 * patient's consent withholds for the request's purpose.
 *
 * <p>What a request can learn is authorized as what it is: the match of a conditional write as a
 * search ({@link ConditionalMatchRule}), {@code $validate} of an instance as a read of it
 * ({@link InstanceValidationRule}), and the resource a write answers with as a read of that resource.
 *
 * <p>Binary is in no patient compartment, so {@code patient/Binary.r} reads only the bytes of the
 * patient's own images: a Binary owned (securityContext) by a Media of that patient and named by no
 * other patient's image. Anything else needs a {@code user/} or {@code system/} scope.
 */
public class SmartAuthorization extends AuthorizationInterceptor {

	private static final List<String> CONFORMANCE_TYPES = List.of(
			"CodeSystem", "ValueSet", "ConceptMap", "StructureDefinition", "SearchParameter", "OperationDefinition",
			"Questionnaire");
	private static final List<String> TERMINOLOGY_OPERATIONS =
			List.of("$expand", "$lookup", "$validate-code", "$subsumes", "$translate");
	/**
	 * Every operation (by its name in the CapabilityStatement) that some rule below can allow; the
	 * others are refused to every token, so the CapabilityStatement does not list them.
	 */
	static final Set<String> REACHABLE_OPERATIONS = Set.of("expand", "lookup", "validate-code", "subsumes", "translate",
			"validate", "deidentify", "consent-decision", "image-consent-summary", "everything", "export", "export-poll-status",
			"extract", "respond", "dataset-status");
	private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(RestOperationTypeEnum.CREATE,
			RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE);

	private final ImageOfBinary imageOfBinary;

	public SmartAuthorization(ImageOfBinary imageOfBinary) {
		this.imageOfBinary = imageOfBinary;
	}

	@Override
	public List<IAuthRule> buildRuleList(RequestDetails request) {
		Optional<SmartToken> token = SmartToken.current();
		IAuthRuleBuilder metadata = new RuleBuilder();
		metadata.allow("capability statement").metadata();
		if (token.isEmpty()) {
			return metadata.denyAll("No access token").build();
		}
		List<IAuthRule> ruleList = new ArrayList<>(metadata.build());
		ruleList.add(new ConditionalMatchRule(token.get()));
		ruleList.add(new InstanceValidationRule());
		ruleList.add(new ConsentCaptureRule(token.get()));
		ruleList.add(new PatientConsentRequestRule(token.get()));
		IAuthRuleBuilder rules = new RuleBuilder();
		conformanceForEveryone(rules);
		rules.allow("transactions and batches, entry by entry").transaction().withAnyOperation().andApplyNormalRules();
		for (SmartScope scope : token.get().scopes()) {
			if (scope.context() == Context.PATIENT) {
				token.get().patient().ifPresent(patient -> patientScope(rules, scope, new IdType("Patient", patient), request));
			} else {
				anyResourceScope(rules, scope);
			}
		}
		rules.denyAll("No SMART scope of this token allows this request");
		ruleList.addAll(rules.build());
		return ruleList;
	}

	/**
	 * A write answers with the resource written (HAPI's default, and {@code Prefer:
	 * return=representation}), or a conditional create with the resource it matched. HAPI authorizes
	 * writes on the way in only, so that resource is authorized here as a read of it: a token that may
	 * not read it gets the answer without it, as with {@code Prefer: return=minimal}.
	 */
	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void withholdUnreadableWriteResults(RequestDetails request, ResponseDetails response) {
		IBaseResource resource = response.getResponseResource();
		if (!WRITES.contains(request.getRestOperationType()) || resource == null
				|| resource instanceof IBaseOperationOutcome) {
			return;
		}
		Verdict read = applyRulesAndReturnDecision(RestOperationTypeEnum.READ, request, null, null, resource,
				Pointcut.SERVER_OUTGOING_RESPONSE);
		if (read.getDecision() != PolicyEnum.ALLOW) {
			response.setResponseResource(null);
		}
	}

	/**
	 * For any purpose but clinical care, an export writes each image with its bytes inline (a research
	 * dataset), so exporting Media is reading their Binaries too: the token needs a system scope that
	 * reads Binary. HAPI's export rules check only the types named in the job, which never include
	 * Binary, so without this a Media scope alone would take the bytes a read of {@code Binary/{id}}
	 * refuses to it. A job without types exports Media for these purposes.
	 */
	@Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
	public void imageBytesNeedABinaryScope(BulkExportJobParameters job, RequestDetails request) {
		Optional<SmartToken> token = SmartToken.current();
		if (token.isEmpty() || request == null || RequestPurpose.of(request) == ImageUse.CLINICAL_CARE) {
			return;
		}
		List<String> types = job.getResourceTypes();
		boolean media = types == null || types.isEmpty() || types.contains("Media");
		boolean readsBinary = token.get().scopes().stream().anyMatch(scope -> scope.context() == Context.SYSTEM
				&& scope.allows(Permission.READ) && scope.coversType("Binary"));
		if (media && !readsBinary) {
			throw new ForbiddenOperationException("An export for " + RequestPurpose.of(request).code()
					+ " carries the images' bytes: it needs a system scope that reads Binary as well as Media");
		}
	}

	private static void conformanceForEveryone(IAuthRuleBuilder rules) {
		for (String type : CONFORMANCE_TYPES) {
			rules.allow("conformance " + type).read().resourcesOfType(type).withAnyId();
		}
		for (String operation : TERMINOLOGY_OPERATIONS) {
			rules.allow("terminology " + operation).operation().named(operation).atAnyLevel().andAllowAllResponses();
		}
		// a posted resource; an instance is validated only with the right to read it (InstanceValidationRule)
		rules.allow("validation of a posted resource").operation().named(InstanceValidationRule.OPERATION).onServer()
				.andAllowAllResponses();
		rules.allow("validation of a posted resource of a type").operation().named(InstanceValidationRule.OPERATION)
				.onAnyType().andAllowAllResponses();
	}

	private static void anyResourceScope(IAuthRuleBuilder rules, SmartScope scope) {
		String name = scope.context().name().toLowerCase() + "/" + scope.resourceType();
		forEachPermission(rules, scope, name, IAuthRuleBuilderRuleOpClassifier::withAnyId);
		if (scope.allows(Permission.CREATE) && scope.coversType("Media")) {
			rules.allow(name + " de-identify").operation().named("$deidentify").onInstancesOfType(Media.class)
					.andAllowAllResponses();
		}
		if (scope.context() == Context.USER) {
			respond(rules, scope, name);
		}
		if (scope.allows(Permission.READ)) {
			if (scope.coversType("Media")) {
				rules.allow(name + " explain").operation().named("$consent-decision").onInstancesOfType(Media.class)
						.andAllowAllResponses();
			}
			if (scope.coversType("Consent")) {
				rules.allow(name + " summary").operation().named("$image-consent-summary").onInstancesOfType(Patient.class)
						.andAllowAllResponses();
			}
			if (scope.coversType("List")) {
				// whose dataset it is, is decided with the datasets (its client only)
				rules.allow(name + " dataset status").operation().named("$dataset-status").onInstancesOfType(ListResource.class)
						.andAllowAllResponses();
			}
			if (scope.coversType("Patient")) {
				rules.allow(name + " everything").operation().named("$everything").onInstancesOfType(Patient.class)
						.andRequireExplicitResponseAuthorization();
			}
			if (scope.context() == Context.SYSTEM) {
				bulkExport(rules, scope, name);
			}
		}
	}

	/**
	 * Bulk data: kickoff, status and the output files. HAPI's bulk export rules judge only the job
	 * about to start (its style and types), not the {@code $export} request that asks for it, so the
	 * request needs an operation rule of its own, which must leave the job to them. Output files are
	 * readable here only as export files; whose they are is decided with consent enforcement (the
	 * client and purpose that started the job), image bytes need a Binary scope.
	 */
	private static void bulkExport(IAuthRuleBuilder rules, SmartScope scope, String name) {
		IAuthRuleTester notTheJob = new IAuthRuleTester() {
			@Override
			public boolean matches(RuleTestRequest request) {
				return !request.requestDetails.getUserData()
						.containsKey(AuthorizationInterceptor.REQUEST_ATTRIBUTE_BULK_DATA_EXPORT_OPTIONS);
			}
		};
		// a bulk export rule denies types it does not list, so each lists every type the token may read
		Set<String> readable = SmartToken.current().map(token -> token.scopes().stream()
				.filter(granted -> granted.context() == Context.SYSTEM && granted.allows(Permission.READ))
				.map(SmartScope::resourceType).collect(Collectors.toCollection(TreeSet::new)))
				.orElseGet(() -> new TreeSet<>(Set.of(scope.resourceType())));
		if ("*".equals(scope.resourceType())) {
			rules.allow(name + " export").bulkExport().any();
			rules.allow(name + " export kickoff").operation().named("$export").atAnyLevel().andAllowAllResponses()
					.withTester(notTheJob);
		} else {
			if (!readable.contains("*")) { // else the token's system/*.r scope lets every export through
				rules.allow(name + " export").bulkExport().systemExport().withResourceTypes(readable);
				rules.allow(name + " patient export").bulkExport().patientExportOnAllPatients().withResourceTypes(readable);
			}
			rules.allow(name + " export kickoff").operation().named("$export").onServer().andAllowAllResponses()
					.withTester(notTheJob);
			rules.allow(name + " patient export kickoff").operation().named("$export").onType(Patient.class)
					.andAllowAllResponses().withTester(notTheJob);
		}
		rules.allow(name + " export status").operation().named("$export-poll-status").onServer().andAllowAllResponses();
		rules.allow(name + " export files").read().resourcesOfType("Binary").withAnyId().withTester(new IAuthRuleTester() {
			@Override
			public boolean matchesOutput(RuleTestRequest response) {
				return response.resource instanceof Binary binary && ExportFiles.isExportFile(binary);
			}
		});
	}

	private void patientScope(IAuthRuleBuilder rules, SmartScope scope, IdType patient, RequestDetails request) {
		String name = "patient/" + scope.resourceType() + " of " + patient.getValue();
		forEachPermission(rules, scope, name, target -> target.inCompartment("Patient", patient));
		if (scope.allows(Permission.READ) && scope.coversType("Binary")) {
			rules.allow(name + " image bytes").read().resourcesOfType("Binary").withAnyId().withTester(new IAuthRuleTester() {
				@Override
				public boolean matchesOutput(RuleTestRequest response) {
					return response.resource instanceof Binary binary && bytesOfOwnImage(binary, patient, request);
				}
			});
		}
		if (scope.allows(Permission.READ) && scope.coversType("Consent")) {
			rules.allow(name + " summary").operation().named("$image-consent-summary").onInstance(patient)
					.andAllowAllResponses();
		}
		if (scope.allows(Permission.READ) && scope.coversType("Patient")) {
			rules.allow(name + " everything").operation().named("$everything").onInstance(patient)
					.andRequireExplicitResponseAuthorization();
		}
		respond(rules, scope, name);
	}

	/**
	 * Answering a consent request writes a Consent: it needs a scope that may create Consents. Whether
	 * this token may answer this request (its patient, their guardian, a clinician acting for them) the
	 * operation decides, from the request itself; it answers with the request, which the token may then read.
	 */
	private static void respond(IAuthRuleBuilder rules, SmartScope scope, String name) {
		if (scope.allows(Permission.CREATE) && scope.coversType("Consent")) {
			rules.allow(name + " respond").operation().named("$respond").onInstancesOfType(Task.class).andAllowAllResponses();
		}
	}

	/** Bytes that belong to an image (not merely named by one) whose images are all the patient's. */
	private boolean bytesOfOwnImage(Binary binary, IdType patient, RequestDetails request) {
		ImageOfBinary.Images images = imageOfBinary.found(binary, request);
		String subject = patient.toUnqualifiedVersionless().getValue();
		return images.ownedByAnImage() && !images.images().isEmpty() && images.images().stream()
				.allMatch(media -> subject.equals(media.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue()));
	}

	private static void forEachPermission(IAuthRuleBuilder rules, SmartScope scope, String name,
			Function<IAuthRuleBuilderRuleOpClassifier, Object> target) {
		if (scope.allows(Permission.READ) || scope.allows(Permission.SEARCH)) {
			target.apply(types(rules.allow(name + " read").read(), scope));
		}
		if (scope.allows(Permission.CREATE)) {
			target.apply(types(rules.allow(name + " create").create(), scope));
		}
		if (scope.allows(Permission.UPDATE)) {
			target.apply(types(rules.allow(name + " update").write(), scope));
		}
		if (scope.allows(Permission.DELETE)) {
			target.apply(types(rules.allow(name + " delete").delete(), scope));
		}
	}

	private static IAuthRuleBuilderRuleOpClassifier types(IAuthRuleBuilderRuleOp operation, SmartScope scope) {
		return "*".equals(scope.resourceType()) ? operation.allResources() : operation.resourcesOfType(scope.resourceType());
	}
}
