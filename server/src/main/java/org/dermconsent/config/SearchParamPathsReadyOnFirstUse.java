package org.dermconsent.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.StorageSettings;
import ca.uhn.fhir.jpa.searchparam.extractor.SearchParamExtractorR4;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.hl7.fhir.instance.model.api.IBase;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * HAPI's search parameter extractor builds its FHIRPath engine when a search parameter's path is first
 * evaluated (the first write), not while the server starts.
 *
 * <p>Building the engine (HAPI's R4 worker context over the core StructureDefinitions) took about 1.3 s of a
 * restart's main thread before the port opened, for something no request needs until a resource is indexed.
 * The server builds it in the background right after it is ready ({@link #prepare()}, called by
 * {@link SearchParamPathsConfig}), so a first write usually finds it built, and otherwise waits for it.
 */
public final class SearchParamPathsReadyOnFirstUse extends SearchParamExtractorR4 {

	/** HAPI's bean of the extractor, the one definition replaced. */
	static final String BEAN_NAME = "searchParamExtractor";

	private final Object engineLock = new Object();
	private volatile boolean engineBuilt;

	/** The server's: Spring injects HAPI's settings and registry into the fields, then calls {@code start()}. */
	public SearchParamPathsReadyOnFirstUse() {
	}

	/** With its collaborators given, started (as HAPI's own constructor of this kind does): for tests without Spring. */
	SearchParamPathsReadyOnFirstUse(StorageSettings storage, PartitionSettings partitions, FhirContext context, ISearchParamRegistry registry) {
		super(storage, partitions, context, registry);
	}

	/** The extractor's definition in place of HAPI's (which makes the plain R4 extractor); runs before any bean exists. */
	static BeanDefinitionRegistryPostProcessor replacingHapisDefinition() {
		return (BeanDefinitionRegistry registry) -> {
			if (registry.containsBeanDefinition(BEAN_NAME)) {
				registry.removeBeanDefinition(BEAN_NAME);
			}
			registry.registerBeanDefinition(BEAN_NAME, new RootBeanDefinition(SearchParamPathsReadyOnFirstUse.class));
		};
	}

	/** Called by HAPI's {@code start()} at startup: the engine waits for {@link #prepare()} or the first use. */
	@Override
	public void initFhirPath() {
		// deferred
	}

	@Override
	public IValueExtractor getPathValueExtractor(IBase resource, String path) {
		prepare();
		return super.getPathValueExtractor(resource, path);
	}

	/** Builds the FHIRPath engine unless it is built; safe to call from several threads at once. */
	public void prepare() {
		if (engineBuilt) {
			return;
		}
		synchronized (engineLock) {
			if (!engineBuilt) {
				super.initFhirPath();
				engineBuilt = true;
			}
		}
	}

	boolean isPrepared() {
		return engineBuilt;
	}
}
