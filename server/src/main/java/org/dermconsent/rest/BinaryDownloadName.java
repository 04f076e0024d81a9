package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.hl7.fhir.instance.model.api.IBaseBinary;

import java.util.Locale;
import java.util.Map;

/**
 * A Binary served as its raw bytes is a download named {@code <id>.<extension>} (from its content
 * type). HAPI sends it as an attachment, so that a browser never renders what it stores, but with no
 * file name ({@code Content-Disposition: Attachment;}); the header is given one as HAPI sets it.
 */
@Interceptor
public class BinaryDownloadName {

	private static final Map<String, String> EXTENSIONS = Map.ofEntries(
			Map.entry("image/jpeg", "jpg"), Map.entry("image/png", "png"), Map.entry("image/gif", "gif"),
			Map.entry("image/tiff", "tif"), Map.entry("image/webp", "webp"), Map.entry("image/bmp", "bmp"),
			Map.entry("image/heic", "heic"), Map.entry("application/dicom", "dcm"), Map.entry("application/pdf", "pdf"),
			Map.entry("application/json", "json"), Map.entry("application/fhir+json", "json"),
			Map.entry("application/fhir+ndjson", "ndjson"), Map.entry("application/ndjson", "ndjson"),
			Map.entry("application/xml", "xml"), Map.entry("application/fhir+xml", "xml"), Map.entry("text/plain", "txt"));

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void nameDownload(RequestDetails request, ResponseDetails response) {
		if (response.getResponseResource() instanceof IBaseBinary binary && request instanceof ServletRequestDetails servlet
				&& binary.getIdElement().hasIdPart()) {
			String filename = binary.getIdElement().getIdPart() + "." + extension(binary.getContentType());
			servlet.setServletResponse(new Named(servlet.getServletResponse(), filename));
		}
	}

	static String extension(String contentType) {
		if (contentType == null) {
			return "bin";
		}
		String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
		return EXTENSIONS.getOrDefault(mediaType, "bin");
	}

	private static final class Named extends HttpServletResponseWrapper {

		private final String disposition;

		Named(HttpServletResponse response, String filename) {
			super(response);
			// resource ids are [A-Za-z0-9.-], so the name needs no escaping
			this.disposition = "attachment; filename=\"" + filename + "\"";
		}

		@Override
		public void setHeader(String name, String value) {
			super.setHeader(name, named(name, value));
		}

		@Override
		public void addHeader(String name, String value) {
			super.addHeader(name, named(name, value));
		}

		private String named(String name, String value) {
			return Constants.HEADER_CONTENT_DISPOSITION.equalsIgnoreCase(name) ? disposition : value;
		}
	}
}
