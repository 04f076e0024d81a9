package org.dermconsent.rest;

import ca.uhn.fhir.jpa.config.GeneratedDaoAndResourceProviderConfigR4;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;

import java.util.Collection;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Leaves out HAPI's storage and REST providers for the R4 resource types this server does not serve.
 *
 * <p>HAPI defines a data access object for each of R4's 146 resource types and creates every one at
 * startup, although its {@code DaoRegistry} then hands out only those of the supported types: the others
 * cost startup time and class metadata and are never used. Removing their definitions before any bean is
 * created makes the server behave as before (an unsupported type is unknown either way) without them.
 */
final class UnservedResourceTypes implements BeanDefinitionRegistryPostProcessor {

	private static final Pattern GENERATED_METHOD = Pattern.compile("(?:dao|rp)(\\w+)R4");

	private final Set<String> served;

	UnservedResourceTypes(Collection<String> served) {
		this.served = Set.copyOf(served);
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		for (String name : registry.getBeanDefinitionNames()) {
			BeanDefinition definition = registry.getBeanDefinition(name);
			if (isGeneratedPerType(registry, definition) && !served.contains(resourceType(definition))) {
				registry.removeBeanDefinition(name);
			}
		}
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		// all the work is done on the definitions
	}

	private static boolean isGeneratedPerType(BeanDefinitionRegistry registry, BeanDefinition definition) {
		String factory = definition.getFactoryBeanName();
		return factory != null
				&& registry.containsBeanDefinition(factory)
				&& GeneratedDaoAndResourceProviderConfigR4.class.getName().equals(registry.getBeanDefinition(factory).getBeanClassName())
				&& definition.getFactoryMethodName() != null
				&& GENERATED_METHOD.matcher(definition.getFactoryMethodName()).matches();
	}

	private static String resourceType(BeanDefinition definition) {
		Matcher matcher = GENERATED_METHOD.matcher(definition.getFactoryMethodName());
		matcher.matches();
		// the methods are named after the model classes; R4's List is the class ListResource
		return "ListResource".equals(matcher.group(1)) ? "List" : matcher.group(1);
	}
}
