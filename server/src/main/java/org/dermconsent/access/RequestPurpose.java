package org.dermconsent.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.consent.InvalidPurposeException;
import org.dermconsent.consent.PurposeResolver;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The purpose a request serves, from its {@code X-Purpose-Of-Use} header: an image-use code or a
 * mapped v3 PurposeOfUse code, bare or as {@code system|code}. A purpose the server does not know is
 * a client error (400); one the client may not use is 403. Without the header a request is for
 * clinical care, if the client may use that; otherwise it must say what it is for (403).
 */
@Interceptor
public class RequestPurpose {

	public static final String HEADER = "X-Purpose-Of-Use";
	private static final String USER_DATA_KEY = RequestPurpose.class.getName();

	private final PurposeAuthority authority;

	public RequestPurpose(PurposeAuthority authority) {
		this.authority = authority;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void resolve(RequestDetails request) {
		if (request.getRestOperationType() == RestOperationTypeEnum.METADATA) {
			// the capability statement is public and discloses no image
			request.getUserData().put(USER_DATA_KEY, new Context(ImageUse.CLINICAL_CARE, Set.of(), Optional.empty(), Optional.empty(),
					Agency.NONE));
			return;
		}
		String header = request.getHeader(HEADER);
		Set<ImageUse> allowed = authority.allowedPurposes(request);
		ImageUse purpose;
		if (header == null) {
			if (!allowed.contains(ImageUse.CLINICAL_CARE)) {
				throw new ForbiddenOperationException("A purpose of use is required: send " + HEADER
						+ " with one of the purposes this client may use " + codes(allowed));
			}
			purpose = ImageUse.CLINICAL_CARE;
		} else {
			try {
				purpose = PurposeResolver.resolveRequested(header.trim());
			} catch (InvalidPurposeException e) {
				throw new InvalidRequestException(HEADER + ": " + e.getMessage());
			}
			if (!allowed.contains(purpose)) {
				throw new ForbiddenOperationException("This client may not use images for " + purpose.code()
						+ "; its token allows " + codes(allowed));
			}
		}
		request.getUserData().put(USER_DATA_KEY, new Context(purpose, authority.actors(request),
				authority.client(request), authority.user(request), new Agency(authority.patient(request),
						authority.fhirUser(request), authority.actsForPatients(request))));
	}

	/** The purpose of a request that passed {@link #resolve} (batch entries share their bundle's). */
	public static ImageUse of(RequestDetails request) {
		return context(request).purpose();
	}

	/** The request as the consent core sees it: purpose, requester and now. */
	public static AccessRequest access(RequestDetails request) {
		Context context = context(request);
		return new AccessRequest(context.purpose(), context.actors(), Instant.now());
	}

	/** The client application of a request that passed {@link #resolve}; none with security off. */
	public static Optional<String> client(RequestDetails request) {
		return context(request).client();
	}

	/** The user of a request that passed {@link #resolve}; none with security off. */
	public static Optional<String> user(RequestDetails request) {
		return context(request).user();
	}

	/** For whom the request's user acts: see {@link Agency}. */
	public static Agency agency(RequestDetails request) {
		return context(request).agency();
	}

	private static Context context(RequestDetails request) {
		Object context = request.getUserData().get(USER_DATA_KEY);
		if (context == null) {
			// fail closed: a request that never said what it is for is not for anything
			throw new ForbiddenOperationException("The purpose of this request was not established");
		}
		return (Context) context;
	}

	private static String codes(Set<ImageUse> purposes) {
		return purposes.stream().map(ImageUse::code).sorted().toList().toString();
	}

	private record Context(ImageUse purpose, Set<String> actors, Optional<String> client, Optional<String> user,
			Agency agency) {}

	/**
	 * Whose records the request's user acts on, as the token says: the patient in context
	 * ({@code Patient/id}), the user's own FHIR resource ({@code fhirUser}), and whether the user is a
	 * clinician acting for patients at large (see {@link PurposeAuthority#actsForPatients}). With
	 * security off, none of them: one anonymous client.
	 */
	public record Agency(Optional<String> patient, Optional<String> fhirUser, boolean actsForPatients) {
		static final Agency NONE = new Agency(Optional.empty(), Optional.empty(), false);
	}
}
