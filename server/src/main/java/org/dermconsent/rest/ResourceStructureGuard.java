package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Property;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Refuses a resource whose shape the server cannot safely work on, before any code that recurses
 * over it runs (profile validation, the consent mapper, consent-core's provision tree and matcher):
 * Consent provisions nested more than {@value #MAX_PROVISION_DEPTH} levels deep, any elements nested
 * more than {@value #MAX_ELEMENT_DEPTH} levels deep (both 422), and strings holding U+0000 (400),
 * which JSON can carry escaped as {@code \u0000}. The walk is iterative, so it cannot itself run out
 * of stack. It looks at the resource a request sends (a transaction Bundle with all its entries) and
 * at every resource about to be stored, which also covers the result of a patch.
 */
@Interceptor
public class ResourceStructureGuard {

	/** A real consent nests a few levels (root deny, permits, their exceptions); 32 leaves room and bounds recursion. */
	public static final int MAX_PROVISION_DEPTH = 32;

	/** Far deeper than any resource DermConsent serves, and shallow enough for every recursive walker. */
	public static final int MAX_ELEMENT_DEPTH = 128;

	@Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -1000)
	public void checkRequestResource(RequestDetails request) {
		check(request.getResource());
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = -1000)
	public void checkCreated(IBaseResource resource) {
		check(resource);
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = -1000)
	public void checkUpdated(IBaseResource previous, IBaseResource updated) {
		check(updated);
	}

	static void check(IBaseResource resource) {
		if (!(resource instanceof Base root)) {
			return;
		}
		Deque<Position> pending = new ArrayDeque<>();
		pending.push(new Position(root, 1, 0));
		while (!pending.isEmpty()) {
			Position at = pending.pop();
			if (at.depth() > MAX_ELEMENT_DEPTH) {
				throw new UnprocessableEntityException("The resource's elements are nested more than "
						+ MAX_ELEMENT_DEPTH + " levels deep");
			}
			if (at.provisionDepth() > MAX_PROVISION_DEPTH) {
				throw new UnprocessableEntityException("Consent provisions are nested more than " + MAX_PROVISION_DEPTH
						+ " levels deep; a consent with deeper provisions is not accepted");
			}
			Base element = at.element();
			// base64 never holds a NUL character, and rendering a Binary's data as text would copy it whole
			if (element.isPrimitive() && !(element instanceof Base64BinaryType)) {
				String value = element.primitiveValue();
				if (value != null && value.indexOf('\0') >= 0) {
					throw new InvalidRequestException("A string in the resource holds the character U+0000 (NUL),"
							+ " which FHIR strings may not contain");
				}
			}
			for (Property child : element.children()) {
				if (!child.hasValues()) {
					continue;
				}
				for (Base value : child.getValues()) {
					if (value != null) {
						int provisions = at.provisionDepth() + (value instanceof Consent.ProvisionComponent ? 1 : 0);
						pending.push(new Position(value, at.depth() + 1, provisions));
					}
				}
			}
		}
	}

	private record Position(Base element, int depth, int provisionDepth) {}
}
