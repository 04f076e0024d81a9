package org.dermconsent.withdrawal;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.vocabulary.WithdrawalNotices;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Task;

import java.util.Optional;

/**
 * Withdrawal notices are written by the server and changed only by the client they are for: a client
 * completes its notice (status {@code completed}) once it has purged the images. A notice cannot be
 * created over REST (a forged one would reach another client's endpoint), nor turned into something
 * else: its code and owner stay. Reads are the disclosure pipeline's (DisclosureGuard).
 */
@Interceptor
public class NoticeWrites {

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Task task && WithdrawalNotices.isWithdrawalNotice(task) && !(request instanceof SystemRequestDetails)
				&& request != null) {
			throw new ForbiddenOperationException("Withdrawal notices are written by the server");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (previous instanceof Task before && WithdrawalNotices.isWithdrawalNotice(before)) {
			mustOwn(before, request);
			Task after = (Task) resource;
			if (!WithdrawalNotices.isWithdrawalNotice(after) || !WithdrawalNotices.owner(after).equals(WithdrawalNotices.owner(before))) {
				throw new UnprocessableEntityException("A withdrawal notice keeps its code and owner; set its status to completed"
						+ " once the images are purged");
			}
		} else if (resource instanceof Task task && WithdrawalNotices.isWithdrawalNotice(task)) {
			created(resource, request);
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Task task && WithdrawalNotices.isWithdrawalNotice(task)) {
			mustOwn(task, request);
		}
	}

	private static void mustOwn(Task notice, RequestDetails request) {
		if (!WithdrawalNotices.mayAccess(notice, clientOf(request))) {
			throw new ForbiddenOperationException("This withdrawal notice is for another client");
		}
	}

	private static Optional<String> clientOf(RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails) {
			return Optional.empty(); // the server's own writes
		}
		return RequestPurpose.client(request);
	}
}
