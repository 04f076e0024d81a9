package org.dermconsent.vocabulary;

import org.hl7.fhir.r4.model.Subscription;

import java.util.Map;
import java.util.Optional;

/**
 * The only Subscriptions a client may hold: on its own withdrawal notices
 * ({@code Task?code=<task-type>|withdrawal-notice&owner=Device/<client>}) and on its own consent
 * requests ({@code Task?code=<task-type>|consent-request&requester=Device/<client>}). HAPI delivers
 * what matches past the disclosure pipeline, so nothing else may be subscribed to: these Tasks are the
 * client's own and name no image it may not know of.
 */
public final class ClientTaskSubscriptions {

	private ClientTaskSubscriptions() {}

	/** The client ({@code Device/<client id>}) whose Tasks the Subscription's criteria select; empty if they are of no allowed shape. */
	public static Optional<String> subscriber(Subscription subscription) {
		return WithdrawalNotices.taskCriteria(subscription).flatMap(ClientTaskSubscriptions::subscriber);
	}

	private static Optional<String> subscriber(Map<String, String> parameters) {
		if (parameters.size() != 2) {
			return Optional.empty();
		}
		String code = parameters.get("code");
		String client = WithdrawalNotices.NOTICE_CODE.equals(code) ? parameters.get("owner")
				: ConsentRequests.REQUEST_CODE.equals(code) ? parameters.get("requester") : null;
		return Optional.ofNullable(client).filter(reference -> reference.startsWith("Device/") && reference.length() > 7);
	}
}
