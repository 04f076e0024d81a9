package org.dermconsent.vocabulary;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The images whose bytes a Binary holds: the Media named by its securityContext, and every Media
 * whose content.url points at it (in any form: the search parameter indexes them all as
 * {@code Binary/{id}}), each once (a derivative made by $deidentify is named both ways). Image bytes
 * are disclosed only as their Media would be.
 */
public class ImageOfBinary {

	/** Server-internal search parameter on Media.content.url (see dermconsent/server/). */
	static final String CONTENT_URL = "content-url";

	private static final String FOUND_KEY = ImageOfBinary.class.getName();

	private final IFhirResourceDao<Media> media;

	public ImageOfBinary(DaoRegistry daoRegistry) {
		this.media = daoRegistry.getResourceDao(Media.class);
	}

	/**
	 * The images of a Binary, and whether one owns it: a Binary belongs to the image its
	 * securityContext names, if that Media still exists (an image that names bytes nobody owned takes
	 * them then, see {@link BinaryOwnership}). Bytes whose securityContext is anything else (unset, a
	 * Patient, a deleted image) belong to no image, whoever names them: naming proves nothing.
	 */
	public record Images(List<Media> images, boolean ownedByAnImage) {}

	/**
	 * As {@link #imagesOf(Binary)}, looked up once per request: the consent check and the audit of
	 * the same response ask about the same Binary.
	 */
	public List<Media> imagesOf(Binary binary, RequestDetails request) {
		return found(binary, request).images();
	}

	public List<Media> imagesOf(Binary binary) {
		return lookUp(binary).images();
	}

	/** As {@link #imagesOf(Binary, RequestDetails)}, with whether the images own the bytes. */
	public Images found(Binary binary, RequestDetails request) {
		if (request == null) {
			return lookUp(binary);
		}
		@SuppressWarnings("unchecked")
		Map<String, Images> found = (Map<String, Images>)
				request.getUserData().computeIfAbsent(FOUND_KEY, key -> new HashMap<String, Images>());
		return found.computeIfAbsent(binary.getIdElement().toVersionless().getValue(), key -> lookUp(binary));
	}

	private Images lookUp(Binary binary) {
		List<Media> images = new ArrayList<>();
		Optional<Media> owner = binary.hasSecurityContext() && binary.getSecurityContext().hasReference()
				? mediaIn(binary) : Optional.empty();
		owner.ifPresent(images::add);
		for (Media naming : namersOf(binary.getIdElement().getIdPart())) {
			if (images.stream().noneMatch(known -> known.getIdElement().getIdPart().equals(naming.getIdElement().getIdPart()))) {
				images.add(naming);
			}
		}
		return new Images(images, owner.isPresent());
	}

	/** Every Media whose content.url names {@code Binary/{binaryId}}, in any form. */
	public List<Media> namersOf(String binaryId) {
		SearchParameterMap query = SearchParameterMap.newSynchronous().add(CONTENT_URL, new UriParam("Binary/" + binaryId));
		return media.searchForResources(query, new SystemRequestDetails()).stream().map(Media.class::cast).toList();
	}

	/** The current version of the Media a Binary's securityContext names; empty if it names no Media or one deleted. */
	private Optional<Media> mediaIn(Binary binary) {
		IdType context = new IdType(binary.getSecurityContext().getReference());
		if (!"Media".equals(context.getResourceType()) || !context.hasIdPart()) {
			return Optional.empty();
		}
		try {
			return Optional.of(media.read(context.toUnqualifiedVersionless(), new SystemRequestDetails()));
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return Optional.empty();
		}
	}

	public static boolean holdsAnImage(Binary binary) {
		return binary.hasContentType() && binary.getContentType().toLowerCase().startsWith("image/");
	}
}
