package org.dermconsent.conformance;

import ca.uhn.fhir.jpa.term.api.ITermDeferredStorageSvc;
import ca.uhn.fhir.jpa.term.api.ITermReadSvc;

/**
 * Expands the ValueSets just installed into HAPI's terminology tables, once, before the server
 * takes requests. Left alone, HAPI's scheduler does it a second after startup, while the first
 * writes are already being validated against those same ValueSets; CI saw a fresh server refuse
 * every valid Consent with 422 after such a start. Doing it here means no validation ever sees a
 * ValueSet half-way through its expansion.
 */
public class TerminologyPreExpansion {

	private final ITermDeferredStorageSvc deferredStorage;
	private final ITermReadSvc terminology;

	public TerminologyPreExpansion(ITermDeferredStorageSvc deferredStorage, ITermReadSvc terminology) {
		this.deferredStorage = deferredStorage;
		this.terminology = terminology;
	}

	public void expandInstalledValueSets() {
		// HAPI skips pre-expansion while concepts are still queued for storage
		deferredStorage.saveAllDeferred();
		terminology.preExpandDeferredValueSetsToTerminologyTables();
	}
}
