package org.dermconsent.request;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.consent.PurposeCode;
import org.dermconsent.consent.PurposeResolver;
import org.dermconsent.vocabulary.ConsentRequests;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Task;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a new consent request must be beyond its profile (DESIGN 11): open, about a use a patient can
 * grant (not clinical care, which needs no consent, nor the grouping secondary-use, nor recontact),
 * about images of the patient asked, not lapsed already; and respectful of the patient: no request
 * when their governing consent says not to ask (a deny of {@code image-use#recontact}, for everyone or
 * for the actors it names), none from a requester whose request for the same purpose the patient
 * rejected less than 180 days ago. Each refusal is 422 with the reason.
 */
public class RequestRules {

	static final Duration REJECTION_QUIET = Duration.ofDays(180);

	private final IFhirResourceDao<Task> tasks;
	private final IFhirResourceDao<Media> media;
	private final GoverningConsents governing;
	private final Clock clock;

	RequestRules(DaoRegistry daoRegistry, GoverningConsents governing, Clock clock) {
		this.tasks = daoRegistry.getResourceDao(Task.class);
		this.media = daoRegistry.getResourceDao(Media.class);
		this.governing = governing;
		this.clock = clock;
	}

	void checkNewRequest(Task task) {
		if (task.getStatus() != Task.TaskStatus.REQUESTED) {
			throw new UnprocessableEntityException("A new consent request has status requested");
		}
		String patient = ConsentRequests.patient(task)
				.orElseThrow(() -> new UnprocessableEntityException("A consent request names its patient: for = Patient/{id}"));
		String requester = ConsentRequests.requester(task)
				.orElseThrow(() -> new UnprocessableEntityException("A consent request names its requester by reference"));
		ImageUse purpose = requestablePurpose(task);
		ConsentRequests.identifiability(task).ifPresent(RequestRules::knownIdentifiability);
		Instant now = clock.instant();
		if (task.getRestriction().getPeriod().hasEnd() && !task.getRestriction().getPeriod().getEnd().toInstant().isAfter(now)) {
			throw new UnprocessableEntityException("restriction.period.end (when the request lapses) is already past");
		}
		for (String image : ConsentRequests.images(task)) {
			if (!isImageOf(image, patient)) {
				throw new UnprocessableEntityException(image + " is not an image of " + patient);
			}
		}
		governing.of(patient).filter(consent -> deniesRecontact(consent, requester)).ifPresent(consent -> {
			throw new UnprocessableEntityException(patient + " does not want to be asked: their consent denies "
					+ ImageUse.SYSTEM + "#" + PurposeResolver.RECONTACT);
		});
		rejectedWithin(patient, requester, purpose, now).ifPresent(rejected -> {
			throw new UnprocessableEntityException("The patient declined " + rejected + " from " + requester + " for "
					+ purpose.code() + " less than 180 days ago; the same requester may ask again for that purpose from "
					+ lastChange(rejected).plus(REJECTION_QUIET));
		});
	}

	/** The image use a request asks for, if a patient can grant it (checked again when it is answered). */
	static ImageUse requestablePurpose(Task task) {
		Coding purpose = ConsentRequests.purpose(task)
				.orElseThrow(() -> new UnprocessableEntityException("A consent request asks for one purpose (input purpose)"));
		Optional<ImageUse> use = ImageUse.SYSTEM.equals(purpose.getSystem()) ? ImageUse.find(purpose.getCode()) : Optional.empty();
		if (use.isEmpty() || use.get().isAbstract() || use.get() == ImageUse.CLINICAL_CARE) {
			throw new UnprocessableEntityException("A consent request asks for one concrete image use other than clinical-care"
					+ " (which needs no consent): " + ImageUse.leaves().stream().filter(u -> u != ImageUse.CLINICAL_CARE)
							.map(ImageUse::code).toList() + "; got " + purpose.getSystem() + "|" + purpose.getCode());
		}
		return use.get();
	}

	private static void knownIdentifiability(Coding identifiability) {
		if (!Identifiability.SYSTEM.equals(identifiability.getSystem()) || Identifiability.find(identifiability.getCode()).isEmpty()) {
			throw new UnprocessableEntityException("identifiability is " + Identifiability.SYSTEM + "|identifiable or |deidentified");
		}
	}

	/** Whether {@code image} is a stored (not deleted) image of {@code patient}. */
	boolean isImageOf(String image, String patient) {
		try {
			Media stored = media.read(new IdType(image), new SystemRequestDetails());
			return FhirImageFacts.patient(stored).filter(patient::equals).isPresent();
		} catch (BaseServerResponseException notFoundOrDeleted) {
			return false;
		}
	}

	/** A deny naming recontact, anywhere in the consent, for everyone or naming the requester among its actors. */
	static boolean deniesRecontact(Consent consent, String requester) {
		return provisions(consent.getProvision()).anyMatch(provision -> provision.getType() == Consent.ConsentProvisionType.DENY
				&& provision.getPurpose().stream().anyMatch(code -> PurposeResolver.isRecontact(PurposeCode.of(code.getSystem(), code.getCode())))
				&& (!provision.hasActor() || provision.getActor().stream().map(actor -> actor.getReference().getReference())
						.anyMatch(requester::equals)));
	}

	private static Stream<Consent.ProvisionComponent> provisions(Consent.ProvisionComponent provision) {
		return Stream.concat(Stream.of(provision), provision.getProvision().stream().flatMap(RequestRules::provisions));
	}

	/** The patient's rejection of a request from this requester for this purpose within the last 180 days, if any. */
	private Optional<String> rejectedWithin(String patient, String requester, ImageUse purpose, Instant now) {
		Instant since = now.minus(REJECTION_QUIET);
		SearchParameterMap query = SearchParameterMap.newSynchronous()
				.add(Task.SP_CODE, new TokenParam(ConsentRequests.TASK_TYPE, ConsentRequests.CONSENT_REQUEST))
				.add(Task.SP_SUBJECT, new ReferenceParam(patient))
				.add(Task.SP_REQUESTER, new ReferenceParam(requester))
				.add(Task.SP_STATUS, new TokenParam("rejected"));
		query.setLastUpdated(new DateRangeParam(new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, Date.from(since)), null));
		List<Task> rejected = tasks.searchForIds(query, new SystemRequestDetails()).stream().map(tasks::readByPid).toList();
		return rejected.stream()
				.filter(task -> ConsentRequests.purpose(task).filter(coding -> purpose.code().equals(coding.getCode())).isPresent())
				.filter(task -> lastChange(task).isAfter(since))
				.map(task -> "Task/" + task.getIdElement().getIdPart())
				.findFirst();
	}

	private Instant lastChange(String taskReference) {
		return lastChange(tasks.read(new IdType(taskReference), new SystemRequestDetails()));
	}

	/** When the request was answered: {@code lastModified} as {@code $respond} sets it, else when it was last stored. */
	private static Instant lastChange(Task task) {
		Date when = task.hasLastModified() ? task.getLastModified() : task.getMeta().getLastUpdated();
		return when == null ? Instant.EPOCH : when.toInstant();
	}
}
