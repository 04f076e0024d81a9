package org.dermconsent.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code GET /fhir/.well-known/smart-configuration}: public, so clients can find where to get tokens. */
public class SmartConfigurationServlet extends HttpServlet {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final SmartEndpoints endpoints;

	public SmartConfigurationServlet(SmartEndpoints endpoints) {
		this.endpoints = endpoints;
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		// written per request: the endpoints follow the issuer's metadata once it can be fetched
		byte[] document = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(endpoints.smartConfiguration());
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType("application/json");
		response.setHeader("Cache-Control", "max-age=3600");
		response.getOutputStream().write(document);
	}
}
