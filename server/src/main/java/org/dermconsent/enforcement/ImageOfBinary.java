package org.dermconsent.enforcement;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.UriParam;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The images whose bytes a Binary holds: the Media named by its securityContext, and every Media
 * whose content.url points at it, each once (a derivative made by $deidentify is named both ways).
 * Image bytes are disclosed only as their Media would be.
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
	 * As {@link #imagesOf(Binary)}, looked up once per request: the consent check and the audit of
	 * the same response ask about the same Binary.
	 */
	@SuppressWarnings("unchecked")
	public List<Media> imagesOf(Binary binary, RequestDetails request) {
		if (request == null) {
			return imagesOf(binary);
		}
		Map<String, List<Media>> found = (Map<String, List<Media>>)
				request.getUserData().computeIfAbsent(FOUND_KEY, key -> new HashMap<String, List<Media>>());
		return found.computeIfAbsent(binary.getIdElement().toVersionless().getValue(), key -> imagesOf(binary));
	}

	public List<Media> imagesOf(Binary binary) {
		List<Media> images = new ArrayList<>();
		if (binary.hasSecurityContext() && "Media".equals(binary.getSecurityContext().getReferenceElement().getResourceType())) {
			images.add(media.read(new IdType(binary.getSecurityContext().getReference()).toUnqualifiedVersionless(),
					new SystemRequestDetails()));
		}
		String binaryId = binary.getIdElement().getIdPart();
		SearchParameterMap query = SearchParameterMap.newSynchronous()
				.add(CONTENT_URL, new UriParam("Binary/" + binaryId));
		media.searchForResources(query, new SystemRequestDetails()).stream().map(Media.class::cast)
				.filter(found -> images.stream().noneMatch(known -> known.getIdElement().getIdPart()
						.equals(found.getIdElement().getIdPart())))
				.forEach(images::add);
		return images;
	}

	public static boolean holdsAnImage(Binary binary) {
		return binary.hasContentType() && binary.getContentType().toLowerCase().startsWith("image/");
	}
}
