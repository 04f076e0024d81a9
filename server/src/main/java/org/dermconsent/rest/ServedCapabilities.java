package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;

import java.util.Set;

/**
 * The CapabilityStatement lists exactly what this server serves (DESIGN 9). HAPI describes every
 * provider it was given; DermConsent refuses some of what they offer, and clients (and their
 * libraries) believe the statement, so it is corrected here:
 * <ul>
 *   <li>{@code batch} is added: HAPI serves batches with its transaction method but lists only
 *   {@code transaction}, and client libraries then refuse to send a batch;</li>
 *   <li>operations that are refused go: {@code $meta}, {@code $meta-add} and {@code $meta-delete}
 *   (MetaOperationRefusal), {@code $expunge} (disabled in the storage settings),
 *   {@code $get-resource-counts} (clinical care only, ResourceCountRefusal);</li>
 *   <li>{@code _has} goes (refused onto Media, ImageProbeRejection; the rest documentation says what
 *   works) and {@code _list} (no List is ever stored, so it can match nothing);</li>
 *   <li>AuditEvents are append-only (AppendOnlyAuditEvents): no update, patch or delete;</li>
 *   <li>the statement has no id: HAPI would send a random one as its Content-Location, a URL that
 *   does not resolve (CapabilityStatements are not stored here; {@code /metadata} is its address).</li>
 * </ul>
 */
@Interceptor
public class ServedCapabilities {

	private static final Set<String> REFUSED_OPERATIONS = Set.of("meta", "meta-add", "meta-delete", "expunge", "get-resource-counts");
	private static final Set<String> REFUSED_SEARCH_PARAMETERS = Set.of("_has", "_list");
	private static final Set<String> APPEND_ONLY_TYPES = Set.of("AuditEvent");
	private static final Set<String> CHANGES = Set.of(TypeRestfulInteraction.UPDATE.toCode(),
			TypeRestfulInteraction.PATCH.toCode(), TypeRestfulInteraction.DELETE.toCode());
	private static final String DOCUMENTATION = "FHIR R4 REST API of DermConsent: patients' consents to the use of"
			+ " their skin images, enforced on every request. The purpose of a request is its X-Purpose-Of-Use header"
			+ " (clinical-care when absent). Reverse chaining (_has) works except onto Media, which is refused (400), as"
			+ " are chains through Media and tag or security criteria on the server's grant labels. Tags change by"
			+ " updating the resource ($meta operations are not served).";

	private final boolean cors;

	/** @param cors whether some browser origin may call the server */
	public ServedCapabilities(boolean cors) {
		this.cors = cors;
	}

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void listWhatIsServed(IBaseConformance capabilities) {
		CapabilityStatement statement = (CapabilityStatement) capabilities;
		statement.setIdElement(null);
		for (CapabilityStatementRestComponent rest : statement.getRest()) {
			rest.setDocumentation(DOCUMENTATION);
			if (rest.getInteraction().stream().noneMatch(interaction -> interaction.getCode() == SystemRestfulInteraction.BATCH)) {
				rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
			}
			rest.getOperation().removeIf(operation -> REFUSED_OPERATIONS.contains(operation.getName()));
			for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
				resource.getOperation().removeIf(operation -> REFUSED_OPERATIONS.contains(operation.getName()));
				resource.getSearchParam().removeIf(parameter -> REFUSED_SEARCH_PARAMETERS.contains(parameter.getName()));
				if (APPEND_ONLY_TYPES.contains(resource.getType())) {
					resource.getInteraction().removeIf(interaction -> CHANGES.contains(interaction.getCode().toCode()));
					resource.setConditionalUpdateElement(null);
					resource.setConditionalDeleteElement(null);
				}
			}
			if (cors) {
				rest.getSecurity().setCors(true);
			}
		}
	}
}
