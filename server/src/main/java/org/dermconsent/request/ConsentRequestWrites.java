package org.dermconsent.request;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.vocabulary.ClientDevices;
import org.dermconsent.vocabulary.ConsentRequests;
import org.dermconsent.vocabulary.WithdrawalNotices;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Task;

import java.util.Optional;

/**
 * Who writes consent requests, and how. A client creates one for itself (with security on, its
 * {@code requester} is {@code Device/<client id>}: the permit it may lead to grants to the requester, so a
 * client asking in another's name would be asking for another's grant), {@code requested}, about a
 * purpose a patient can grant, and only as the re-contact rules allow ({@link RequestRules}). Once
 * created, the request changes only by {@code $respond} and the server's lapse; its requester may
 * withdraw it (status {@code cancelled}) while it is open. It is never deleted over REST: a rejected
 * request is what keeps its requester from asking again too soon. Profile conformance is checked before
 * this (validation on write).
 */
@Interceptor
public class ConsentRequestWrites {

	private final RequestRules rules;
	private final ClientDevices devices;

	ConsentRequestWrites(RequestRules rules, ClientDevices devices) {
		this.rules = rules;
		this.devices = devices;
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = 10)
	public void created(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Task task && ConsentRequests.isExpiryReminder(task) && isClientWrite(request)) {
			throw new ForbiddenOperationException("Expiry reminders are written by the server"); // a forged one would mislead a patient
		}
		if (resource instanceof Task task && ConsentRequests.isConsentRequest(task) && isClientWrite(request)) {
			Optional<String> client = RequestPurpose.client(request);
			if (client.isPresent() && !ConsentRequests.requester(task).equals(Optional.of(WithdrawalNotices.ownerFor(client.get())))) {
				throw new UnprocessableEntityException("A consent request's requester must be the asking client itself: "
						+ WithdrawalNotices.ownerFor(client.get()));
			}
			rules.checkNewRequest(task);
			ConsentRequests.requester(task).ifPresent(devices::ensureResolves);
		}
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = 10)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (!isClientWrite(request)) {
			return;
		}
		boolean wasRequest = previous instanceof Task before && ConsentRequests.isConsentRequest(before);
		boolean isRequest = resource instanceof Task after && ConsentRequests.isConsentRequest(after);
		if (!wasRequest) {
			if (isRequest) {
				throw new UnprocessableEntityException("A consent request is created with POST, not by turning another Task into one");
			}
			return;
		}
		Task before = (Task) previous;
		mustBeRequester(before, request);
		if (!isRequest || !(isCancellation(before, (Task) resource) || isResubmission(before, (Task) resource))) {
			throw new UnprocessableEntityException("A consent request is answered with Task/$respond; its requester may only"
					+ " withdraw it (status cancelled, nothing else changed) while it is requested");
		}
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED, order = 10)
	public void deleted(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Task task && ConsentRequests.isConsentRequest(task) && isClientWrite(request)) {
			throw new ForbiddenOperationException("A consent request stays on record (a rejected one bars asking again for 180"
					+ " days); its requester withdraws an open one by setting its status to cancelled");
		}
	}

	private static void mustBeRequester(Task request, RequestDetails details) {
		Optional<String> client = RequestPurpose.client(details);
		if (client.isPresent() && !ConsentRequests.requester(request).equals(Optional.of(WithdrawalNotices.ownerFor(client.get())))) {
			throw new ForbiddenOperationException("Only its requester may withdraw a consent request; the patient answers it"
					+ " with Task/$respond");
		}
	}

	/** Status requested to cancelled, everything the request says unchanged. */
	private static boolean isCancellation(Task before, Task after) {
		if (before.getStatus() != Task.TaskStatus.REQUESTED || after.getStatus() != Task.TaskStatus.CANCELLED) {
			return false;
		}
		return whatItAsks(before).equalsDeep(whatItAsks(after));
	}

	/** The request sent again as it is (an idempotent PUT): nothing changes. */
	private static boolean isResubmission(Task before, Task after) {
		return before.getStatus() == after.getStatus() && whatItAsks(before).equalsDeep(whatItAsks(after));
	}

	private static Task whatItAsks(Task task) {
		Task asked = new Task();
		asked.setCode(task.getCode());
		asked.setIntent(task.getIntent());
		asked.setFor(task.getFor());
		asked.setRequester(task.getRequester());
		asked.setDescription(task.getDescription());
		asked.setInput(task.getInput());
		asked.setRestriction(task.getRestriction());
		asked.setOutput(task.getOutput());
		return asked;
	}

	private static boolean isClientWrite(RequestDetails request) {
		return request != null && !(request instanceof SystemRequestDetails);
	}
}
