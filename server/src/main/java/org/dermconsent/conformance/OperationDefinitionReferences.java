package org.dermconsent.conformance;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;

import java.util.Map;

/**
 * Points the CapabilityStatement's DermConsent operations at their canonical OperationDefinitions,
 * shipped in DermConsent's package (inputs, outputs and types a client can code against), instead
 * of the definitions HAPI generates from the Java methods at this server's own address.
 */
@Interceptor
public class OperationDefinitionReferences {

	static final String BASE = "https://dermconsent.org/fhir/OperationDefinition/";

	/** Resource type and operation name (as the CapabilityStatement names it) to canonical URL. */
	static final Map<String, String> CANONICAL = Map.of(
			"Media/consent-decision", BASE + "consent-decision",
			"Patient/image-consent-summary", BASE + "image-consent-summary",
			"Media/deidentify", BASE + "deidentify",
			"QuestionnaireResponse/extract", BASE + "extract",
			"Task/respond", BASE + "respond",
			"List/dataset-status", BASE + "dataset-status");

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void referToCanonicalDefinitions(IBaseConformance capabilities) {
		CapabilityStatement statement = (CapabilityStatement) capabilities;
		for (CapabilityStatement.CapabilityStatementRestComponent rest : statement.getRest()) {
			for (CapabilityStatement.CapabilityStatementRestResourceComponent resource : rest.getResource()) {
				for (CapabilityStatement.CapabilityStatementRestResourceOperationComponent operation : resource.getOperation()) {
					String canonical = CANONICAL.get(resource.getType() + "/" + operation.getName().replaceFirst("^\\$", ""));
					if (canonical != null) {
						operation.setDefinition(canonical);
					}
				}
			}
		}
	}
}
