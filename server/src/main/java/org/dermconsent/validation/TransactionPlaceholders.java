package org.dermconsent.validation;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.UriType;

/**
 * Whether a resource still refers to another entry of its transaction bundle by that entry's
 * {@code fullUrl} ({@code urn:uuid:} or {@code urn:oid:}), which HAPI replaces with the assigned id
 * only after every entry was stored. References (a Media's subject) and uris (its content.url) alike.
 */
final class TransactionPlaceholders {

	private TransactionPlaceholders() {}

	static boolean referredToBy(FhirContext fhirContext, IBaseResource resource) {
		var terser = fhirContext.newTerser();
		return terser.getAllPopulatedChildElementsOfType(resource, IBaseReference.class).stream()
						.anyMatch(reference -> isPlaceholder(reference.getReferenceElement().getValue()))
				|| terser.getAllPopulatedChildElementsOfType(resource, UriType.class).stream()
						.anyMatch(uri -> isPlaceholder(uri.getValue()));
	}

	private static boolean isPlaceholder(String value) {
		return value != null && (value.startsWith("urn:uuid:") || value.startsWith("urn:oid:"));
	}
}
