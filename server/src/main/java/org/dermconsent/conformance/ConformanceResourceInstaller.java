package org.dermconsent.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.support.TransactionTemplate;

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
	private final TransactionTemplate transaction;

	public ConformanceResourceInstaller(FhirContext fhirContext, DaoRegistry daoRegistry, ISearchParamRegistry searchParamRegistry,
			TransactionTemplate transaction) {
		this.fhirContext = fhirContext;
		this.daoRegistry = daoRegistry;
		this.searchParamRegistry = searchParamRegistry;
		this.transaction = transaction;
	}

	/**
	 * Stores the resources in one transaction: all of them or, on failure, none. Another node starting
	 * over the same new database may store the same resources at the same moment; then this
	 * transaction fails on a resource's id, and storing again finds them stored.
	 */
	public InstallReport install(String packageId, List<String> resourcesJson) {
		InstallReport report;
		try {
			report = storeAll(packageId, resourcesJson);
		} catch (ResourceVersionConflictException | DataIntegrityViolationException storedMeanwhile) {
			log.warn("Conformance package {} was being stored by another node as well; storing again: {}", packageId,
					storedMeanwhile.getMessage());
			report = storeAll(packageId, resourcesJson);
		}
		searchParamRegistry.forceRefresh();
		log.info("{}", report);
		return report;
	}

	private InstallReport storeAll(String packageId, List<String> resourcesJson) {
		InstallReport report = new InstallReport(packageId, System.nanoTime());
		transaction.executeWithoutResult(status -> {
			for (String json : resourcesJson) {
				long started = System.nanoTime();
				IBaseResource resource = fhirContext.newJsonParser().parseResource(json);
				report.record(store(resource));
				log.debug("Stored {} in {} ms", resource.getIdElement().getValue(), (System.nanoTime() - started) / 1_000_000);
			}
		});
		report.finished(System.nanoTime());
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
