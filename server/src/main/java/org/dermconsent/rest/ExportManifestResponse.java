package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The bulk export manifest ({@code $export-poll-status} of a complete job) as the Bulk Data spec
 * says: {@code application/json} in UTF-8, and {@code requiresAccessToken} true only when the output
 * files do need a token. HAPI writes the manifest straight to the servlet response, declaring no
 * charset (so the container sends ISO-8859-1) and always claiming a token is needed; the response is
 * wrapped before HAPI writes it. Its other answers (202, errors) pass unchanged but for the charset.
 */
@Interceptor
public class ExportManifestResponse {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final boolean tokensRequired;

	/** @param tokensRequired whether reading the output files needs an access token (security on) */
	public ExportManifestResponse(boolean tokensRequired) {
		this.tokensRequired = tokensRequired;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void wrapManifest(RequestDetails request) {
		if (ProviderConstants.OPERATION_EXPORT_POLL_STATUS.equals(request.getOperation())
				&& request instanceof ServletRequestDetails servlet) {
			servlet.setServletResponse(new Manifest(servlet.getServletResponse(), tokensRequired));
		}
	}

	private static final class Manifest extends HttpServletResponseWrapper {

		private final boolean tokensRequired;
		private boolean manifest;
		private PrintWriter writer;

		Manifest(HttpServletResponse response, boolean tokensRequired) {
			super(response);
			this.tokensRequired = tokensRequired;
		}

		@Override
		public void setContentType(String type) {
			// HAPI's manifest is the only answer of this operation declared as plain application/json;
			// its other JSON answers (a failed job's OperationOutcome) lack a charset too
			manifest = "application/json".equals(type);
			boolean jsonWithoutCharset = type != null && type.contains("json") && !type.toLowerCase().contains("charset");
			super.setContentType(jsonWithoutCharset ? type + ";charset=UTF-8" : type);
		}

		@Override
		public PrintWriter getWriter() throws IOException {
			if (!manifest) {
				return super.getWriter();
			}
			if (writer == null) {
				writer = new PrintWriter(new ManifestText());
			}
			return writer;
		}

		/** Collects the manifest HAPI writes and sends it corrected when HAPI closes it. */
		private final class ManifestText extends StringWriter {
			private boolean sent;

			@Override
			public void close() throws IOException {
				if (sent) {
					return;
				}
				sent = true;
				if (toString().isBlank()) {
					return;
				}
				JsonNode document = JSON.readTree(toString());
				if (document instanceof ObjectNode object) {
					object.put("requiresAccessToken", tokensRequired);
				}
				byte[] body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
				setContentLength(body.length);
				getResponse().getOutputStream().write(body);
				getResponse().flushBuffer();
			}
		}
	}
}
