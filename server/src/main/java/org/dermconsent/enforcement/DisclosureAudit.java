package org.dermconsent.enforcement;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.dermconsent.access.JobAccess;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.util.List;

/**
 * The second step of the disclosure pipeline: what the guard let out is put on record (DESIGN 8).
 * Implemented by the audit; the pipeline tells it what leaves, and when a response is about to.
 */
public interface DisclosureAudit {

	/** Resources about to be shown in the response to {@code request} (the guard has let them out). */
	void shown(List<IBaseResource> resources, RequestDetails request);

	/** A resource an export job is about to write to a file (the guard has let it out). */
	void exported(IBaseResource resource, JobAccess job);

	/** The response to {@code request} leaves next: what it shows must be on record now. */
	default void leaving(RequestDetails request) {}

	/** For a node with the audit switched off. */
	DisclosureAudit NONE = new DisclosureAudit() {
		@Override
		public void shown(List<IBaseResource> resources, RequestDetails request) {}

		@Override
		public void exported(IBaseResource resource, JobAccess job) {}
	};
}
