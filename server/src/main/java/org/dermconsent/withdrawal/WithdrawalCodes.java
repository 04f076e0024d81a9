package org.dermconsent.withdrawal;

/** The codes a withdrawal notice is made of (DESIGN 11 and 12). */
public final class WithdrawalCodes {

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

	private WithdrawalCodes() {}
}
