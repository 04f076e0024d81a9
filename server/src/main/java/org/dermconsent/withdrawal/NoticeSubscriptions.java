package org.dermconsent.withdrawal;

import org.dermconsent.vocabulary.ClientTaskSubscriptions;
import org.dermconsent.vocabulary.ConsentRequests;
import org.dermconsent.vocabulary.WithdrawalNotices;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.dermconsent.access.RequestPurpose;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;

import java.util.Optional;

/**
 * Subscriptions are for a client's withdrawal notices and consent requests only. HAPI delivers whatever
 * matches a Subscription's criteria to its endpoint, past the disclosure pipeline: a Subscription on
 * {@code Media?} would send every image out unjudged and unaudited. So a Subscription must be a rest-hook
 * on exactly {@code Task?code=<task-type>|withdrawal-notice&owner=Device/<client>} or
 * {@code Task?code=<task-type>|consent-request&requester=Device/<client>} ({@link ClientTaskSubscriptions}),
 * and with security on the client must be the requesting one; anything else is 422.
 */
@Interceptor
public class NoticeSubscriptions {

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		check(resource, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		check(resource, request);
	}

	/** Another client's Subscription (its endpoint and headers) is not this client's to delete. */
	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Subscription subscription && request != null
				&& !WithdrawalNotices.mayAccess(subscription, clientOf(request))) {
			throw new ForbiddenOperationException("This Subscription is another client's");
		}
	}

	private static void check(IBaseResource resource, RequestDetails request) {
		if (!(resource instanceof Subscription subscription)) {
			return;
		}
		if (subscription.getChannel().getType() != Subscription.SubscriptionChannelType.RESTHOOK) {
			throw new UnprocessableEntityException("Only rest-hook Subscriptions are supported");
		}
		String subscriber = ClientTaskSubscriptions.subscriber(subscription).orElseThrow(NoticeSubscriptions::refused);
		Optional<String> client = request == null ? Optional.empty() : clientOf(request);
		if (client.isPresent() && !subscriber.equals(WithdrawalNotices.ownerFor(client.get()))) {
			throw new UnprocessableEntityException("A client may subscribe to its own withdrawal notices and consent requests"
					+ " only (Device/" + client.get() + ")");
		}
	}

	private static Optional<String> clientOf(RequestDetails request) {
		try {
			return RequestPurpose.client(request);
		} catch (RuntimeException noRequestContext) {
			return Optional.empty(); // the server's own writes
		}
	}

	private static UnprocessableEntityException refused() {
		return new UnprocessableEntityException("Subscriptions are for a client's withdrawal notices and consent requests:"
				+ " criteria must be Task?code=" + WithdrawalNotices.NOTICE_CODE + "&owner=Device/<client id> or Task?code="
				+ ConsentRequests.REQUEST_CODE + "&requester=Device/<client id>");
	}
}
