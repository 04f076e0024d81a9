package org.dermconsent.conformance;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What every start does before the server takes requests: stores DermConsent's conformance package and
 * its own search parameters unless the database holds them exactly as the last complete install left
 * them, then expands the ValueSets. An install is recorded only after the expansion, so that a start cut
 * short (a crash, kill -9) installs again next time.
 */
public class ConformanceInstallation {

	private static final Logger log = LoggerFactory.getLogger(ConformanceInstallation.class);

	private final ConformanceResourceInstaller installer;
	private final TerminologyPreExpansion preExpansion;
	private final PackageInstallJournal journal;

	ConformanceInstallation(ConformanceResourceInstaller installer, TerminologyPreExpansion preExpansion, PackageInstallJournal journal) {
		this.installer = installer;
		this.preExpansion = preExpansion;
		this.journal = journal;
	}

	/** Returns the ids of the packages it stored (none when the database was up to date). */
	public List<String> installWhatChanged() {
		journal.createTableIfMissing();
		ConformancePackage dermconsent = ConformancePackage.fromClasspath();
		List<Package> packages = List.of(new Package(dermconsent.id(), dermconsent.conformanceResources()),
				new Package(ServerSearchParameters.ID, ServerSearchParameters.json()));
		List<Package> changed = new ArrayList<>();
		for (Package candidate : packages) {
			long started = System.nanoTime();
			if (journal.isInstalled(candidate.id(), candidate.resources())) {
				log.info("Conformance package {} is stored as its last install left it (checked in {} ms)", candidate.id(),
						(System.nanoTime() - started) / 1_000_000);
			} else {
				installer.install(candidate.id(), candidate.resources());
				changed.add(candidate);
			}
		}
		preExpansion.expandInstalledValueSets();
		changed.forEach(stored -> journal.recordInstalled(stored.id(), stored.resources()));
		return changed.stream().map(Package::id).toList();
	}

	private record Package(String id, List<String> resources) {}
}
