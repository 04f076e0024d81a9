package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.fasterxml.jackson.databind.JsonNode;
import org.dermconsent.vocabulary.Datasets;
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
 *
 * <p>The manifest of a dataset export (any purpose but clinical care) names its dataset: the
 * {@code extension} object holds {@code "dataset": "List/{id}"} and {@code "purpose"} (see
 * {@link Datasets#MANIFEST_KEY}, put there before HAPI answers). If the List is not written yet (the
 * job completed just after that look), the complete manifest is not sent: the answer is 202 and the
 * next poll gets both, so no client holds a complete manifest without its List.
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
			servlet.setServletResponse(new Manifest(servlet.getServletResponse(), tokensRequired, request));
		}
	}

	private static final class Manifest extends HttpServletResponseWrapper {

		private final boolean tokensRequired;
		private final RequestDetails request;
		private boolean manifest;
		private PrintWriter writer;

		Manifest(HttpServletResponse response, boolean tokensRequired, RequestDetails request) {
			super(response);
			this.tokensRequired = tokensRequired;
			this.request = request;
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

		/** The job is complete but its dataset is not written yet: answered as a job still running. */
		private void stillRunning() throws IOException {
			HttpServletResponse response = (HttpServletResponse) getResponse();
			response.setStatus(HttpServletResponse.SC_ACCEPTED);
			response.setHeader("X-Progress", "Writing the dataset");
			response.setHeader("Retry-After", "1");
			response.setContentLength(0);
			response.flushBuffer();
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
				Object dataset = request.getUserData().get(Datasets.MANIFEST_KEY);
				if (dataset instanceof Datasets.ManifestDataset named && named.list().isEmpty()) {
					stillRunning();
					return;
				}
				if (document instanceof ObjectNode object) {
					object.put("requiresAccessToken", tokensRequired);
					if (dataset instanceof Datasets.ManifestDataset named) {
						object.withObjectProperty("extension").put("dataset", named.list().get()).put("purpose", named.purpose());
					}
				}
				byte[] body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
				setContentLength(body.length);
				getResponse().getOutputStream().write(body);
				getResponse().flushBuffer();
			}
		}
	}
}
