package org.dermconsent.enforcement;

import org.dermconsent.vocabulary.LocalBinaryUrl;
import org.dermconsent.vocabulary.ExportFiles;
import org.dermconsent.vocabulary.ImageOfBinary;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.DeleteConflictList;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Reference;

import java.util.List;
import java.util.Objects;

/**
 * Image bytes belong to one image: a Media may name (by content.url) only a Binary whose
 * securityContext is that Media or is unset, and an unset one then becomes that Media, in the same
 * database transaction; anything else is 422. A Binary's securityContext, once set, stays: an update
 * that leaves it out keeps it, one that changes it is 422. Without this, an image of a consenting
 * patient could name another patient's bytes and carry them out (de-identified, exported, read).
 *
 * <p>Media are checked when their write is about to commit, on every path (create, update, PATCH,
 * transaction and batch entries): by then the Media has its id and HAPI has replaced a
 * transaction's placeholder ids (urn:uuid) by the ids it assigned.
 */
@Interceptor
public class BinaryOwnership {

	private static final String CLAIMING = BinaryOwnership.class.getName() + ".claiming";

	private final IFhirResourceDao<Binary> binaries;
	private final ImageOfBinary imageOfBinary;
	private final LocalBinaryUrl urls;

	public BinaryOwnership(DaoRegistry daoRegistry, LocalBinaryUrl urls) {
		this.binaries = daoRegistry.getResourceDao(Binary.class);
		this.imageOfBinary = new ImageOfBinary(daoRegistry);
		this.urls = urls;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Media media) {
			claimBytes(media, request);
		} else if (resource instanceof Binary binary && !isClaim(request)) {
			noOtherImageNames(binary, request);
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (resource instanceof Media media) {
			claimBytes(media, request);
		} else if (resource instanceof Binary binary && previous instanceof Binary before && !isClaim(request)) {
			if (hasContext(before) && !sameContext(before, binary)) {
				throw new UnprocessableEntityException("Binary/" + binary.getIdElement().getIdPart() + " belongs to "
						+ before.getSecurityContext().getReference() + ": the securityContext of bytes decides who may"
						+ " read them and cannot be changed");
			}
			noOtherImageNames(binary, request);
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void toBeCreated(IBaseResource resource, RequestDetails request) {
		exportFilesOnlyFromExport(resource, request);
	}

	/** An update of bytes that leaves the securityContext out (e.g. raw bytes PUT) keeps the one they had. */
	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void toBeUpdated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		exportFilesOnlyFromExport(resource, request);
		if (previous instanceof Binary before && resource instanceof Binary binary && hasContext(before) && !hasContext(binary)) {
			binary.setSecurityContext(before.getSecurityContext().copy());
		}
	}

	/**
	 * Export files are decided by whoever started the export, not by the images (see {@link ExportFiles}):
	 * a client that marked bytes as one would take them out of the images' consents. Only the export
	 * job, an internal request, writes them.
	 */
	private static void exportFilesOnlyFromExport(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Binary binary && request != null && !(request instanceof SystemRequestDetails)
				&& ExportFiles.isExportFile(binary)) {
			throw new UnprocessableEntityException("Binary: only bulk export writes its output files; the meta extension "
					+ JpaConstants.BULK_META_EXTENSION_JOB_ID + " is not for clients");
		}
	}

	/**
	 * Deleting an image leaves its bytes behind, still naming it: they are then disclosed for care
	 * only (the image is deleted), so their reference is no reason to refuse the delete.
	 */
	@Hook(Pointcut.STORAGE_PRESTORAGE_DELETE_CONFLICTS)
	public void bytesDoNotHoldTheirImage(DeleteConflictList conflicts) {
		conflicts.removeIf(conflict -> "Binary".equals(conflict.getSourceId().getResourceType())
				&& "Media".equals(conflict.getTargetId().getResourceType()));
	}

	private void claimBytes(Media media, RequestDetails request) {
		if (!media.hasContent() || !media.getContent().hasUrl()) {
			return;
		}
		String self = "Media/" + media.getIdElement().getIdPart();
		String url = media.getContent().getUrl();
		LocalBinaryUrl.Resolution resolution = urls.resolve(url, request);
		if (resolution instanceof LocalBinaryUrl.Unclear) {
			throw new UnprocessableEntityException(self + ": content.url " + url + " reads like a Binary of this server"
					+ " but is not a reference to one; name it Binary/{id}");
		}
		if (!(resolution instanceof LocalBinaryUrl.Local local)) {
			return;
		}
		Binary binary;
		try {
			binary = binaries.read(new IdType(local.reference()), new SystemRequestDetails());
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			if (local.binaryId().chars().allMatch(Character::isDigit)) {
				// numeric ids are the server's to assign: naming one before it exists would claim bytes not yet uploaded
				throw new UnprocessableEntityException(self + ": content.url names " + local.reference()
						+ ", which does not exist; create the Binary first (or in the same transaction)");
			}
			return; // a client-assigned id the client will create: the Binary's own write is checked then
		}
		if (hasContext(binary)) {
			if (!names(binary.getSecurityContext(), self)) {
				throw new UnprocessableEntityException(self + ": content.url names " + local.reference() + ", whose"
						+ " securityContext is " + binary.getSecurityContext().getReference() + "; an image may only name a"
						+ " Binary that is its own (securityContext " + self + ") or nobody's");
			}
			return;
		}
		List<String> others = otherNamers(local.binaryId(), self, request);
		if (!others.isEmpty()) {
			throw new UnprocessableEntityException(self + ": content.url names " + local.reference() + ", which "
					+ String.join(", ", others) + " already names");
		}
		binary.setSecurityContext(new Reference(self));
		SystemRequestDetails claim = new SystemRequestDetails();
		claim.getUserData().put(CLAIMING, Boolean.TRUE);
		binaries.update(binary, claim);
	}

	/** Bytes whose securityContext is set may not be named by any other image. */
	private void noOtherImageNames(Binary binary, RequestDetails request) {
		if (!hasContext(binary)) {
			return;
		}
		String context = new IdType(binary.getSecurityContext().getReference()).toUnqualifiedVersionless().getValue();
		List<String> others = otherNamers(binary.getIdElement().getIdPart(), context, request);
		if (!others.isEmpty()) {
			throw new UnprocessableEntityException("Binary/" + binary.getIdElement().getIdPart() + " is named by "
					+ String.join(", ", others) + "; its securityContext cannot be " + binary.getSecurityContext().getReference());
		}
	}

	/** The other images naming this server's Binary (the index also holds other servers' urls ending so: left out). */
	private List<String> otherNamers(String binaryId, String self, RequestDetails request) {
		return imageOfBinary.namersOf(binaryId).stream()
				.filter(m -> !(urls.resolve(m.getContent().getUrl(), request) instanceof LocalBinaryUrl.Elsewhere))
				.map(m -> "Media/" + m.getIdElement().getIdPart())
				.filter(ref -> !ref.equals(self)).toList();
	}

	private static boolean isClaim(RequestDetails request) {
		return request != null && Boolean.TRUE.equals(request.getUserData().get(CLAIMING));
	}

	private static boolean hasContext(Binary binary) {
		return binary.hasSecurityContext() && binary.getSecurityContext().hasReference();
	}

	private static boolean names(Reference context, String reference) {
		return new IdType(context.getReference()).toUnqualifiedVersionless().getValue().equals(reference);
	}

	private static boolean sameContext(Binary before, Binary after) {
		return hasContext(after) && Objects.equals(
				new IdType(before.getSecurityContext().getReference()).toUnqualifiedVersionless().getValue(),
				new IdType(after.getSecurityContext().getReference()).toUnqualifiedVersionless().getValue());
	}
}
