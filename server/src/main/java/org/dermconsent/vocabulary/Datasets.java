package org.dermconsent.vocabulary;

import ca.uhn.fhir.model.api.BaseBatchJobParameters;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.ListResource;

import java.util.Optional;

/**
 * Datasets (DESIGN 12): the {@code List} the server writes for each completed bulk export for a
 * purpose other than clinical care. What they are made of, and whose a dataset is.
 */
public final class Datasets {

	public static final String LIST_TYPE = WithdrawalNotices.LIST_TYPE;
	public static final String DATASET = WithdrawalNotices.DATASET;
	/** The dataset code as a token search parameter value. */
	public static final String DATASET_CODE = LIST_TYPE + "|" + DATASET;
	/** On each entry: the versioned Consent that permitted the image when it was exported. */
	public static final String GOVERNING_CONSENT = "https://dermconsent.org/fhir/StructureDefinition/governing-consent";
	/** On the List: the image use the dataset was exported for (a Coding of the image-use CodeSystem). */
	public static final String PURPOSE = "https://dermconsent.org/fhir/StructureDefinition/dataset-purpose";
	/** The List's identifier is the dataset key of its export job, as a URN. */
	public static final String IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986";

	/**
	 * Key of an export job's user data that holds its dataset key (a UUID), set at kickoff for every
	 * purpose but clinical care. HAPI serializes user data with the job and no request parameter
	 * reaches it. The export step files each image under this key; the List is written from them.
	 */
	private static final String JOB_KEY = "dermconsent-dataset";
	/**
	 * Key of a request's user data that holds the {@link ManifestDataset} of the export job whose
	 * status it asks for (set before HAPI answers, read when the manifest is written).
	 */
	public static final String MANIFEST_KEY = Datasets.class.getName() + ".manifest";

	private Datasets() {}

	/**
	 * What a status request's manifest names: the dataset ({@code List/{id}}), or empty while it is
	 * not written yet (the manifest must then not be answered as complete), and the purpose.
	 */
	public record ManifestDataset(Optional<String> list, String purpose) {}

	public static void keyJob(BaseBatchJobParameters job, String datasetKey) {
		job.setUserData(JOB_KEY, datasetKey);
	}

	/** The dataset key of an export job, if it makes a dataset. */
	public static Optional<String> keyOf(BaseBatchJobParameters job) {
		Object key = job == null ? null : job.getUserData().get(JOB_KEY);
		return key instanceof String value && !value.isBlank() ? Optional.of(value) : Optional.empty();
	}

	public static String identifierValue(String datasetKey) {
		return "urn:uuid:" + datasetKey;
	}

	public static boolean isDataset(ListResource list) {
		return list.getCode().getCoding().stream()
				.anyMatch(coding -> LIST_TYPE.equals(coding.getSystem()) && DATASET.equals(coding.getCode()));
	}

	/** The client a dataset was made for ({@code Device/<client id>}, see {@link WithdrawalNotices#ownerFor}). */
	public static Optional<String> source(ListResource list) {
		return Optional.ofNullable(list.getSource().getReferenceElement().toUnqualifiedVersionless().getValue());
	}

	/** The purpose code a dataset was exported for. */
	public static Optional<String> purpose(ListResource list) {
		Extension purpose = list.getExtensionByUrl(PURPOSE);
		return purpose != null && purpose.getValue() instanceof Coding coding && coding.hasCode()
				? Optional.of(coding.getCode()) : Optional.empty();
	}

	/**
	 * Whether a request by {@code client} may see {@code list}: anything but a dataset, and a dataset
	 * only if it was made for the client (it tells which images exist and were permitted). A request
	 * that names no client (security off: one client) may.
	 */
	public static boolean mayAccess(ListResource list, Optional<String> client) {
		return client.isEmpty() || !isDataset(list) || madeFor(list, client.get());
	}

	/** Whether {@code list}'s source names {@code client}: its Device, or (an id that cannot be one) its identifier. */
	public static boolean madeFor(ListResource list, String client) {
		return source(list).filter(WithdrawalNotices.ownerFor(client)::equals).isPresent()
				|| (WithdrawalNotices.CLIENT_ID_SYSTEM.equals(list.getSource().getIdentifier().getSystem())
						&& client.equals(list.getSource().getIdentifier().getValue()));
	}
}
