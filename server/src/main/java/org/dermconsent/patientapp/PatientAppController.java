package org.dermconsent.patientapp;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The patient app's entry and its configuration. The app's files are static resources of the
 * patient-app module's jar (META-INF/resources/patient-app/, served by Spring); what the app cannot
 * know from them is whether this server wants tokens, so {@code config.json} tells it: with security
 * off the app runs in its labelled demo mode without SMART, with security on it launches SMART with
 * the public client named here. The FHIR base is this server's {@code /fhir}, whose SMART
 * configuration names the authorization server.
 */
@Controller
public class PatientAppController {

	static final String PATH = "/patient-app";

	private final boolean securityEnabled;
	private final String clientId;

	public PatientAppController(@Value("${dermconsent.security.enabled:false}") boolean securityEnabled,
			@Value("${dermconsent.patient-app.client-id:smart-patient-app}") String clientId) {
		this.securityEnabled = securityEnabled;
		this.clientId = clientId;
	}

	/**
	 * {@code /patient-app/} shows the app (Spring serves index.html only at the root). Without the
	 * slash the browser is sent to it: the page's relative links and its SMART redirect URI (the
	 * directory, registered exactly in Keycloak) depend on it.
	 */
	@GetMapping(PATH + "/")
	public String index() {
		return "forward:" + PATH + "/index.html";
	}

	@GetMapping(PATH)
	public String directory() {
		return "redirect:" + PATH + "/";
	}

	@GetMapping(value = PATH + "/config.json", produces = MediaType.APPLICATION_JSON_VALUE)
	public ResponseEntity<Map<String, Object>> config() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("security", securityEnabled);
		config.put("fhirBase", "/fhir");
		if (securityEnabled) {
			config.put("clientId", clientId);
		}
		// read at every start of the app: a server restarted with the other mode must not be mistaken
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(config);
	}
}
