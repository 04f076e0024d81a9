package org.dermconsent.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Stores the conformance resources of DermConsent's package under their own ids. Storing is an
 * update by id, so a restart changes nothing, and a resource whose content (e.g. version) changed
 * in a new release gets a new version instead of a duplicate.
 */
public class ConformanceResourceInstaller {

	private static final Logger log = LoggerFactory.getLogger(ConformanceResourceInstaller.class);

	private final FhirContext fhirContext;
	private final DaoRegistry daoRegistry;
	private final ISearchParamRegistry searchParamRegistry;

	public ConformanceResourceInstaller(
			FhirContext fhirContext, DaoRegistry daoRegistry, ISearchParamRegistry searchParamRegistry) {
		this.fhirContext = fhirContext;
		this.daoRegistry = daoRegistry;
		this.searchParamRegistry = searchParamRegistry;
	}

	public InstallReport install(String packageId, List<String> resourcesJson) {
		InstallReport report = new InstallReport(packageId, System.nanoTime());
		for (String json : resourcesJson) {
			long started = System.nanoTime();
			IBaseResource resource = fhirContext.newJsonParser().parseResource(json);
			report.record(store(resource));
			log.debug("Stored {} in {} ms", resource.getIdElement().getValue(), (System.nanoTime() - started) / 1_000_000);
		}
		searchParamRegistry.forceRefresh();
		report.finished(System.nanoTime());
		log.info("{}", report);
		return report;
	}

	private DaoMethodOutcome store(IBaseResource resource) {
		if (!resource.getIdElement().hasIdPart()) {
			throw new IllegalStateException("Package resource without id: " + fhirContext.getResourceType(resource));
		}
		@SuppressWarnings("unchecked")
		IFhirResourceDao<IBaseResource> dao = (IFhirResourceDao<IBaseResource>) daoRegistry.getResourceDao(resource);
		return dao.update(resource, new SystemRequestDetails());
	}

	/** What one install did: how many resources were created, changed, or already up to date. */
	public static final class InstallReport {
		private final String packageId;
		private int created;
		private int updated;
		private int unchanged;
		private final long startedNanos;
		private long tookMillis;

		InstallReport(String packageId, long startedNanos) {
			this.packageId = packageId;
			this.startedNanos = startedNanos;
		}

		void finished(long nanos) {
			tookMillis = (nanos - startedNanos) / 1_000_000;
		}

		void record(DaoMethodOutcome outcome) {
			if (Boolean.TRUE.equals(outcome.getCreated())) {
				created++;
			} else if (outcome.isNop()) {
				unchanged++;
			} else {
				updated++;
			}
		}

		public int created() {
			return created;
		}

		public int updated() {
			return updated;
		}

		public int unchanged() {
			return unchanged;
		}

		@Override
		public String toString() {
			return "Conformance package " + packageId + " installed: created=" + created + " updated=" + updated
					+ " unchanged=" + unchanged + " in " + tookMillis + " ms";
		}
	}
}
