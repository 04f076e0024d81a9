package org.dermconsent.vocabulary;

import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Withdrawal notices (DESIGN 12): Tasks the server writes to tell a client which images it received
 * are no longer permitted. What they are made of, and whose a notice is.
 */
public final class WithdrawalNotices {

	public static final String TASK_TYPE = "https://dermconsent.org/fhir/CodeSystem/task-type";
	public static final String WITHDRAWAL_NOTICE = "withdrawal-notice";
	/** The notice code as a token search parameter value. */
	public static final String NOTICE_CODE = TASK_TYPE + "|" + WITHDRAWAL_NOTICE;
	public static final String IMAGE_INPUT = "image";
	public static final String DATASET_INPUT = "dataset";
	public static final String LIST_TYPE = "https://dermconsent.org/fhir/CodeSystem/list-type";
	public static final String DATASET = "dataset";
	public static final String CLIENT_ID_SYSTEM = "https://dermconsent.org/fhir/NamingSystem/client-id";
	public static final String IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use";
	/** The client of disclosures made with security off (no token names one); see the audit. */
	public static final String ANONYMOUS = "anonymous";

	private WithdrawalNotices() {}

	public static boolean isWithdrawalNotice(Task task) {
		return task.getCode().getCoding().stream()
				.anyMatch(coding -> TASK_TYPE.equals(coding.getSystem()) && WITHDRAWAL_NOTICE.equals(coding.getCode()));
	}

	/** The reference a notice for {@code client} is owned by. */
	public static String ownerFor(String client) {
		return "Device/" + client;
	}

	/** The owner of a notice ({@code Device/<client id>}), if it names one. */
	public static Optional<String> owner(Task task) {
		return Optional.ofNullable(task.getOwner().getReferenceElement().toUnqualifiedVersionless().getValue());
	}

	/**
	 * Whether a request by {@code client} may see or change {@code task}: anything but a withdrawal
	 * notice, and a notice only if the client owns it. A request that names no client (security off)
	 * may.
	 */
	public static boolean mayAccess(Task task, Optional<String> client) {
		return client.isEmpty() || !isWithdrawalNotice(task) || owner(task).filter(ownerFor(client.get())::equals).isPresent();
	}

	/**
	 * Whether a request by {@code client} may see or change {@code subscription} (its endpoint and
	 * headers are the client's): only if its criteria select the client's own Tasks ({@link ClientTaskSubscriptions}). A request that names no
	 * client (security off) may.
	 */
	public static boolean mayAccess(Subscription subscription, Optional<String> client) {
		return client.isEmpty() || ClientTaskSubscriptions.subscriber(subscription).filter(ownerFor(client.get())::equals).isPresent();
	}

	/**
	 * A Subscription's criteria as the parameters of a Task search, decoded, each named once; empty if
	 * the criteria are not a Task search of that kind.
	 */
	public static Optional<Map<String, String>> taskCriteria(Subscription subscription) {
		String criteria = subscription.getCriteria();
		String prefix = "Task?";
		if (criteria == null || !criteria.startsWith(prefix)) {
			return Optional.empty();
		}
		Map<String, String> parameters = new HashMap<>();
		for (String pair : criteria.substring(prefix.length()).split("&")) {
			String[] parts = pair.split("=", 2);
			if (parts.length != 2 || parameters.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
					URLDecoder.decode(parts[1], StandardCharsets.UTF_8)) != null) {
				return Optional.empty();
			}
		}
		return Optional.of(parameters);
	}
}
