package org.dermconsent.vocabulary;

import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import java.util.Optional;

/**
 * Withdrawal notices (DESIGN 12): Tasks the server writes to tell a client which images it received
 * are no longer permitted. What they are made of, and whose a notice is.
 */
public final class WithdrawalNotices {

	public static final String TASK_TYPE = "https://dermconsent.org/fhir/CodeSystem/task-type";
	public static final String WITHDRAWAL_NOTICE = "withdrawal-notice";
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
	 * headers are the client's): only if its criteria name the client as owner. A request that names no
	 * client (security off) may.
	 */
	public static boolean mayAccess(Subscription subscription, Optional<String> client) {
		if (client.isEmpty()) {
			return true;
		}
		String criteria = subscription.getCriteria() == null ? "" : subscription.getCriteria();
		int query = criteria.indexOf('?');
		if (query < 0) {
			return false;
		}
		for (String pair : criteria.substring(query + 1).split("&")) {
			String[] parts = pair.split("=", 2);
			if (parts.length == 2 && "owner".equals(URLDecoder.decode(parts[0], StandardCharsets.UTF_8))
					&& ownerFor(client.get()).equals(URLDecoder.decode(parts[1], StandardCharsets.UTF_8))) {
				return true;
			}
		}
		return false;
	}
}
