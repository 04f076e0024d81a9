package org.dermconsent.config;

import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** HAPI's search parameter extractor with its FHIRPath engine built after startup ({@link SearchParamPathsReadyOnFirstUse}). */
@Configuration
public class SearchParamPathsConfig {

	/** A post-processor, hence static: it replaces a definition before any bean is made. */
	@Bean
	static BeanDefinitionRegistryPostProcessor searchParamPathsReadyOnFirstUse() {
		return SearchParamPathsReadyOnFirstUse.replacingHapisDefinition();
	}

	@EventListener(ApplicationReadyEvent.class)
	public void prepareAfterStartup(ApplicationReadyEvent event) {
		SearchParamPathsReadyOnFirstUse extractor = event.getApplicationContext()
				.getBean(SearchParamPathsReadyOnFirstUse.BEAN_NAME, SearchParamPathsReadyOnFirstUse.class);
		Thread warmUp = new Thread(extractor::prepare, "search-parameter-paths-warm-up");
		warmUp.setDaemon(true);
		warmUp.start();
	}
}
