package org.dermconsent.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code GET /fhir/.well-known/smart-configuration}: public, so clients can find where to get tokens. */
public class SmartConfigurationServlet extends HttpServlet {

	private final byte[] document;

	public SmartConfigurationServlet(SmartEndpoints endpoints) throws IOException {
		this.document = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(endpoints.smartConfiguration());
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType("application/json");
		response.setHeader("Cache-Control", "max-age=3600");
		response.getOutputStream().write(document);
	}
}
