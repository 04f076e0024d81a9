package org.dermconsent.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * The CapabilityStatement says that the server is protected by SMART on FHIR and where tokens come
 * from, and lists only the operations some token's scopes can reach ({@link SmartAuthorization}
 * refuses the others to every token).
 */
@Interceptor
public class SmartCapabilities {

	private static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

	private final SmartEndpoints endpoints;

	public SmartCapabilities(SmartEndpoints endpoints) {
		this.endpoints = endpoints;
	}

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void describeSecurity(IBaseConformance capabilities) {
		CapabilityStatement statement = (CapabilityStatement) capabilities;
		for (CapabilityStatement.CapabilityStatementRestComponent rest : statement.getRest()) {
			CapabilityStatement.CapabilityStatementRestSecurityComponent security = rest.getSecurity();
			security.addService(new CodeableConcept().addCoding(new Coding(
					"http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
			security.setDescription("SMART App Launch 2 access tokens from " + endpoints.issuer()
					+ "; purposes of use from the token's purpose_of_use claim, chosen per request with X-Purpose-Of-Use");
			// the extension's definition has authorize, token, register and manage: revocation and
			// introspection are in /.well-known/smart-configuration only
			Extension oauth = security.addExtension().setUrl(OAUTH_URIS);
			oauth.addExtension("authorize", new UriType(endpoints.authorize()));
			oauth.addExtension("token", new UriType(endpoints.token()));

			rest.getOperation().removeIf(operation -> !SmartAuthorization.REACHABLE_OPERATIONS.contains(operation.getName()));
			for (CapabilityStatement.CapabilityStatementRestResourceComponent resource : rest.getResource()) {
				resource.getOperation().removeIf(operation -> !SmartAuthorization.REACHABLE_OPERATIONS.contains(operation.getName()));
			}
		}
	}
}
