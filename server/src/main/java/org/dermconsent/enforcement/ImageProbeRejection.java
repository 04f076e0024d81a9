package org.dermconsent.enforcement;

import org.dermconsent.access.RequestPurpose;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.api.SearchTotalModeEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.param.HasParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.dermconsent.consent.GrantLabels;
import org.dermconsent.consent.ImageUse;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses (400) search criteria that would answer questions about images without disclosing them:
 * the number of results of a right and a wrong guess would tell what a denied image shows, which
 * choices a patient made, or who the patient behind a pseudonymized image is. Conditional writes
 * are searches too: HAPI resolves their match URLs (plain and in transactions) through the same
 * pointcut, so their criteria are refused here alike (see also {@link ConditionalImageWriteRefusal}),
 * and so are bulk export's {@code _typeFilter}s.
 *
 * <p>For every purpose:
 * <ul>
 *   <li>{@code _has} that reaches a Media at any depth ({@code _has:Media:...}, and a {@code _has}
 *   nested in another's parameter, {@code _has:Patient:organization:_has:Media:subject:...}), and a
 *   {@code _has} whose parameter is a chain through Media;</li>
 *   <li>chains whose hops may land on a Media ({@code Provenance?target:Media.created=...},
 *   {@code Consent?data.created=...}: a reference to any type may be a Media);</li>
 *   <li>{@code _security} and {@code _tag} criteria that could match the server's grant labels
 *   ({@link GrantLabels#SYSTEM}, which record every use a patient granted): without a system (or
 *   with an empty one), with that system, with a modifier other than {@code :not} (they match
 *   text, hierarchies or value sets regardless of the system), or {@code :missing};</li>
 *   <li>counts of full-text matches of images (HAPI takes them from the full-text index, where the
 *   consent filter does not apply).</li>
 * </ul>
 *
 * <p>For every purpose but clinical care, whose de-identified images are served under a pseudonym
 * (see the deid package), nothing may link an image to its real patient:
 * <ul>
 *   <li>on a Media search: criteria on the image's subject ({@code subject}, {@code patient}, with
 *   any modifier or chain), chains from the image whose hops may land on a Patient
 *   ({@code operator:Patient.name=...}), references naming a Patient ({@code operator=Patient/1}),
 *   {@code _has} of any kind (a reverse chain onto the image from a resource that names the
 *   patient), and sorting by the subject, by a reference that may be a Patient, or by a chain;</li>
 *   <li>on any search: {@code _include} and {@code _revinclude} from a Media through a reference
 *   that may be a Patient ({@code Media:subject}, {@code Media:patient}, {@code Media:*}) and the
 *   wildcard {@code *}, which would put the patient next to the image (or the image next to the
 *   patient, {@code Patient?_revinclude=Media:subject}); in an image search, any include but of
 *   other images (Media to Media); in any other search, any include that may bring an image (a
 *   Provenance, Encounter or DiagnosticReport may name the patient next to it).</li>
 * </ul>
 * Such searches are refused, not answered with the criterion dropped: a client must not believe a
 * result is filtered when it is not. Clinical care sees real subjects anyway and keeps all of these.
 */
@Interceptor
public class ImageProbeRejection {

	private static final String MEDIA = "Media";
	private static final String PATIENT = "Patient";
	private static final String HAS_PREFIX = Constants.PARAM_HAS + ":";
	private static final Set<String> SUBJECT_PARAMS = Set.of("subject", "patient");

	private final ISearchParamRegistry searchParams;
	private final MatchUrlService matchUrls;
	private final FhirContext fhirContext;

	public ImageProbeRejection(ISearchParamRegistry searchParams, MatchUrlService matchUrls, FhirContext fhirContext) {
		this.searchParams = searchParams;
		this.matchUrls = matchUrls;
		this.fhirContext = fhirContext;
	}

	// before SearchPurposeFilter adds the server's own grant-label criteria
	@Hook(value = Pointcut.STORAGE_PRESEARCH_REGISTERED, order = -100)
	public void rejectImageProbes(ICachedSearchDetails search, RequestDetails request, SearchParameterMap params) {
		if (request == null || request instanceof SystemRequestDetails) {
			return;
		}
		reject(search.getResourceType(), request, params);
	}

	/**
	 * Bulk export's type filters (and post-fetch filters) are searches too, but its job runs them as the
	 * server, past the hook above; they are checked at kickoff, parsed as HAPI will parse them (before
	 * BulkExportKickoff adds the purpose's own criteria).
	 */
	@Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
	public void rejectImageProbesInExportFilters(BulkExportJobParameters job, RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails) {
			return;
		}
		List<String> filters = new java.util.ArrayList<>();
		filters.addAll(job.getFilters() == null ? List.of() : job.getFilters());
		filters.addAll(job.getPostFetchFilterUrls() == null ? List.of() : job.getPostFetchFilterUrls());
		for (String filter : filters) {
			String resourceType = filter.split("\\?", 2)[0];
			RuntimeResourceDefinition definition;
			try {
				definition = fhirContext.getResourceDefinition(resourceType);
			} catch (DataFormatException e) {
				throw new InvalidRequestException("_typeFilter " + filter + " does not name a resource type");
			}
			reject(resourceType, request, matchUrls.translateMatchUrl(filter, definition));
		}
	}

	private void reject(String resourceType, RequestDetails request, SearchParameterMap params) {
		if (MEDIA.equals(resourceType) && countsFullTextMatches(params)) {
			throw new InvalidRequestException("Counting full-text matches of images (_content or _text with"
					+ " _summary=count or _total=accurate) is not supported: the full-text index counts without the"
					+ " consent filter. Page through the results instead.");
		}
		for (Map.Entry<String, List<List<IQueryParameterType>>> criterion : params.entrySet()) {
			for (List<IQueryParameterType> anyOf : criterion.getValue()) {
				for (IQueryParameterType value : anyOf) {
					rejectImageProbe(resourceType, criterion.getKey(), value);
				}
			}
		}
		String subjectLink = subjectLink(resourceType, params);
		if (subjectLink != null && RequestPurpose.of(request) != ImageUse.CLINICAL_CARE) {
			throw new InvalidRequestException(subjectLink + " is supported for clinical care only: for other purposes"
					+ " images are served without their patient, and no search may link an image to its patient."
					+ " Search images by their own properties.");
		}
	}

	private void rejectImageProbe(String resourceType, String name, IQueryParameterType value) {
		if (value instanceof HasParam has) {
			rejectHasReachingImages(has.getTargetResourceType(), has.getParameterName());
		}
		if (value instanceof ReferenceParam reference && reference.getChain() != null
				&& chainReaches(MEDIA, resourceType, name, reference.getResourceType(), reference.getChain())) {
			throw new InvalidRequestException("Chained search through Media (" + name + "." + reference.getChain()
					+ ") is not supported: it would reveal properties of images the request may not see.");
		}
		if ((Constants.PARAM_SECURITY.equals(name) || Constants.PARAM_TAG.equals(name)) && value instanceof TokenParam token
				&& mayMatchGrantLabels(token)) {
			throw new InvalidRequestException(name + " criteria need a system other than " + GrantLabels.SYSTEM
					+ " (reserved to the server) and no modifier but :not; this one could match the server's own labels.");
		}
	}

	/** {@code targetType} is the type a {@code _has} reaches; its parameter may be another {@code _has} or a chain. */
	private void rejectHasReachingImages(String targetType, String parameterName) {
		if (MEDIA.equals(targetType)) {
			throw new InvalidRequestException("_has reaching Media (at any depth) is not supported: it would reveal"
					+ " properties of images the request may not see. Search Media directly.");
		}
		if (parameterName == null) {
			return;
		}
		if (parameterName.startsWith(HAS_PREFIX)) {
			// _has:<type>:<reference>:<parameter>, the parameter being the rest
			String[] nested = parameterName.substring(HAS_PREFIX.length()).split(":", 3);
			rejectHasReachingImages(nested[0], nested.length == 3 ? nested[2] : null);
			return;
		}
		int chainAt = parameterName.indexOf('.');
		if (chainAt > 0) {
			String[] base = parameterName.substring(0, chainAt).split(":", 2);
			if (chainReaches(MEDIA, targetType, base[0], base.length > 1 ? base[1] : null, parameterName.substring(chainAt + 1))) {
				throw new InvalidRequestException("_has with a chain through Media (" + parameterName + ") is not supported:"
						+ " it would reveal properties of images the request may not see.");
			}
		}
	}

	/**
	 * Whether a label criterion could select images by their grant labels. The system is compared
	 * ignoring case and surrounding space: whether a database matches tag systems exactly depends on
	 * its collation, and a refusal too many is the safe side.
	 */
	private static boolean mayMatchGrantLabels(TokenParam token) {
		TokenParamModifier modifier = token.getModifier();
		return token.getMissing() != null
				|| (modifier != null && modifier != TokenParamModifier.NOT)
				|| token.getSystem() == null || token.getSystem().isBlank()
				|| GrantLabels.SYSTEM.equalsIgnoreCase(token.getSystem().trim());
	}

	/** A description of the first criterion that could link an image to its patient, or null. */
	private String subjectLink(String resourceType, SearchParameterMap params) {
		if (params.getEverythingMode() != null) {
			return null; // $everything includes everything by design; what it may show is that operation's business
		}
		for (Include include : params.getIncludes()) {
			if (linksImageToPatient(include) || mayLinkImageToOthers(resourceType, include, false)) {
				return "_include=" + include.getValue();
			}
		}
		for (Include include : params.getRevIncludes()) {
			if (linksImageToPatient(include) || mayLinkImageToOthers(resourceType, include, true)) {
				return "_revinclude=" + include.getValue();
			}
		}
		if (!MEDIA.equals(resourceType)) {
			return null;
		}
		for (Map.Entry<String, List<List<IQueryParameterType>>> criterion : params.entrySet()) {
			String name = criterion.getKey();
			for (List<IQueryParameterType> anyOf : criterion.getValue()) {
				for (IQueryParameterType value : anyOf) {
					if (isSubject(name) || value instanceof HasParam || reachesPatient(name, value)) {
						return "Searching images by " + name + (value instanceof HasParam has ? ":" + has.getTargetResourceType() : "");
					}
				}
			}
		}
		for (SortSpec sort = params.getSort(); sort != null; sort = sort.getChain()) {
			String name = sort.getParamName();
			if (name != null && (isSubject(name) || name.contains(".") || name.contains(":") || mayTargetPatient(MEDIA, name))) {
				return "_sort=" + name;
			}
		}
		return null;
	}

	private boolean reachesPatient(String name, IQueryParameterType value) {
		if (!(value instanceof ReferenceParam reference)) {
			return false;
		}
		if (reference.getChain() != null) {
			return chainReaches(PATIENT, MEDIA, name, reference.getResourceType(), reference.getChain());
		}
		String type = reference.getResourceType();
		return type != null ? PATIENT.equals(type) : mayTargetPatient(MEDIA, name);
	}

	private boolean linksImageToPatient(Include include) {
		String value = include.getValue();
		String sourceType = include.getParamType();
		String name = include.getParamName();
		if (value == null || "*".equals(value) || sourceType == null || name == null) {
			return true; // the wildcard includes everything a resource refers to (fail closed on the unparsed)
		}
		if (!MEDIA.equals(sourceType) && !"*".equals(sourceType)) {
			return false;
		}
		if ("*".equals(name) || isSubject(name)) {
			return true;
		}
		String targetType = include.getParamTargetType();
		return targetType != null ? PATIENT.equals(targetType) : mayTargetPatient(MEDIA, name);
	}

	/**
	 * Whether an include may put an image next to a resource that names its patient. In an image
	 * search only images may be included (the images an image refers to, or that refer to it: derived
	 * images); in any other search nothing that may be an image may be included, since the resources
	 * searched (a Provenance, an Encounter, a DiagnosticReport found by its subject) may name the
	 * patient.
	 */
	private boolean mayLinkImageToOthers(String resourceType, Include include, boolean reverse) {
		Set<String> brought = typesBrought(include, reverse);
		if (MEDIA.equals(resourceType)) {
			return !MEDIA.equals(include.getParamType()) || brought == null || !brought.equals(Set.of(MEDIA));
		}
		return brought == null || brought.contains(MEDIA);
	}

	/** The types an include may bring into the result; null for any type. */
	private Set<String> typesBrought(Include include, boolean reverse) {
		String sourceType = include.getParamType();
		String name = include.getParamName();
		if (include.getValue() == null || "*".equals(include.getValue()) || sourceType == null || "*".equals(sourceType)) {
			return null;
		}
		if (reverse) {
			return Set.of(sourceType);
		}
		if (name == null || "*".equals(name)) {
			return null;
		}
		if (include.getParamTargetType() != null) {
			return Set.of(include.getParamTargetType());
		}
		RuntimeSearchParam param = searchParams.getActiveSearchParam(sourceType, name);
		if (param == null || param.getTargets().isEmpty()) {
			return null;
		}
		return param.getTargets();
	}

	/** A search parameter on the image's subject, whatever its name (a custom one on Media.subject too). */
	private boolean isSubject(String name) {
		if (SUBJECT_PARAMS.contains(name)) {
			return true;
		}
		RuntimeSearchParam param = searchParams.getActiveSearchParam(MEDIA, name);
		return param != null && param.getPath() != null && param.getPath().contains("subject");
	}

	private boolean mayTargetPatient(String resourceType, String name) {
		RuntimeSearchParam param = searchParams.getActiveSearchParam(resourceType, name);
		if (param == null || param.getParamType() != RestSearchParameterTypeEnum.REFERENCE) {
			return false;
		}
		return param.getTargets().isEmpty() || param.getTargets().contains(PATIENT);
	}

	/** HAPI answers these counts from the full-text index alone, ignoring every other criterion. */
	private static boolean countsFullTextMatches(SearchParameterMap params) {
		boolean fullText = params.containsKey(Constants.PARAM_CONTENT) || params.containsKey(Constants.PARAM_TEXT);
		boolean count = params.getSearchTotalMode() == SearchTotalModeEnum.ACCURATE
				|| SummaryEnum.COUNT == params.getSummaryMode();
		return fullText && count;
	}

	/**
	 * Whether any hop of {@code name.chain}, searched on {@code resourceType}, may land on a resource
	 * of type {@code wanted}; a reference to any type may, and so may the last hop's own reference.
	 */
	private boolean chainReaches(String wanted, String resourceType, String name, String explicitType, String chain) {
		Set<String> targets = explicitType != null ? Set.of(explicitType) : targets(resourceType, name);
		if (targets.isEmpty() || targets.contains(wanted)) {
			return true;
		}
		String[] hop = chain.split("\\.", 2);
		String[] next = hop[0].split(":", 2);
		for (String target : targets) {
			RuntimeSearchParam param = searchParams.getActiveSearchParam(target, next[0]);
			if (param == null || param.getParamType() != RestSearchParameterTypeEnum.REFERENCE) {
				continue;
			}
			String nextType = next.length > 1 ? next[1] : null;
			if (hop.length == 1) {
				Set<String> lastTargets = nextType != null ? Set.of(nextType) : param.getTargets();
				if (lastTargets.isEmpty() || lastTargets.contains(wanted)) {
					return true;
				}
			} else if (chainReaches(wanted, target, next[0], nextType, hop[1])) {
				return true;
			}
		}
		return false;
	}

	private Set<String> targets(String resourceType, String name) {
		RuntimeSearchParam param = searchParams.getActiveSearchParam(resourceType, name);
		return param == null ? Set.of() : param.getTargets();
	}
}
