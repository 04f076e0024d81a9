package org.dermconsent.config;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.orm.jpa.JpaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

import javax.sql.DataSource;

/**
 * HAPI needs its own entity manager factory (its persistence provider and entity scan); everything
 * else about the database (URL, dialect, Hibernate Search backend) comes from {@code spring.jpa.*}
 * properties so that switching database is configuration only.
 */
@Configuration
public class PersistenceConfig {

	@Bean
	@Primary
	public LocalContainerEntityManagerFactoryBean entityManagerFactory(
			ConfigurableListableBeanFactory beanFactory,
			FhirContext fhirContext,
			JpaStorageSettings storageSettings,
			JpaProperties jpaProperties,
			DataSource dataSource) {
		LocalContainerEntityManagerFactoryBean factory =
				HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
		factory.setPersistenceUnitName("HAPI_PU");
		factory.setJpaPropertyMap(jpaProperties.getProperties());
		factory.setDataSource(dataSource);
		return factory;
	}

	/** A post-processor, hence static: it must exist before the repositories it changes. */
	@Bean
	static RepositoryQueriesParsedOnFirstUse repositoryQueriesParsedOnFirstUse(
			ObjectProvider<EntityManagerFactory> entityManagerFactory) {
		return new RepositoryQueriesParsedOnFirstUse(entityManagerFactory);
	}

	@Bean
	@Primary
	public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
		return new JpaTransactionManager(entityManagerFactory);
	}
}
