package org.dermconsent.config;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactoryBean;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Spring Data makes the repositories without having Hibernate parse each declared query at startup;
 * Hibernate parses a query (and keeps the parse) the first time it runs.
 *
 * <p>When Spring Data makes a repository it checks every {@code @Query} by creating it on a throwaway
 * entity manager. For HAPI's repositories that was a fifth of the main thread's profile samples in a
 * restart, for queries that are the same in every start of one HAPI version. Here the repositories get an
 * entity manager whose factory hands that check an entity manager on which creating a query from a string
 * does nothing; everything else is the shared entity manager they would have had. The check moved to the
 * build: {@code RepositoryQueriesTest} makes every repository again with Spring Data's check, so a HAPI
 * upgrade that brings a query Hibernate cannot parse fails the tests instead of a request.
 */
final class RepositoryQueriesParsedOnFirstUse implements BeanPostProcessor {

	/** One for all repositories, made when the first repository is (the factory exists by then). */
	private final SingletonSupplier<EntityManager> repositoriesEntityManager;

	RepositoryQueriesParsedOnFirstUse(ObjectProvider<EntityManagerFactory> entityManagerFactory) {
		this.repositoriesEntityManager = SingletonSupplier.of(() -> withoutQueryCheck(
				SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory.getObject())));
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof JpaRepositoryFactoryBean<?, ?, ?> repositoryFactory) {
			// the repository is made in afterPropertiesSet, which comes right after this
			repositoryFactory.setEntityManager(repositoriesEntityManager.obtain());
		}
		return bean;
	}

	/** The given entity manager, except that its factory's new entity managers do not parse queries. */
	static EntityManager withoutQueryCheck(EntityManager shared) {
		EntityManagerFactory checkingFactory = delegating(shared.getEntityManagerFactory(), (factory, method, args) ->
				"createEntityManager".equals(method.getName()) && method.getParameterCount() == 0
						? delegating((EntityManager) factory.createEntityManager(), RepositoryQueriesParsedOnFirstUse::unparsedQuery)
						: method.invoke(factory, args));
		return delegating(shared, (manager, method, args) ->
				"getEntityManagerFactory".equals(method.getName()) ? checkingFactory : method.invoke(manager, args));
	}

	private static Object unparsedQuery(EntityManager manager, Method method, Object[] args) throws Exception {
		boolean queryFromString = "createQuery".equals(method.getName())
				&& method.getParameterCount() == 1
				&& method.getParameterTypes()[0] == String.class;
		return queryFromString ? null : method.invoke(manager, args);
	}

	private interface Call<T> {
		Object invoke(T target, Method method, Object[] args) throws Exception;
	}

	@SuppressWarnings("unchecked")
	private static <T> T delegating(T target, Call<T> call) {
		InvocationHandler handler = (proxy, method, args) -> {
			try {
				return call.invoke(target, method, args);
			} catch (InvocationTargetException e) {
				throw e.getCause();
			}
		};
		return (T) Proxy.newProxyInstance(
				target.getClass().getClassLoader(), ClassUtils.getAllInterfaces(target), handler);
	}
}
