package org.dermconsent.config;

import ca.uhn.fhir.jpa.model.entity.ResourceTable;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactory;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactoryBean;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.core.support.RepositoryComposition.RepositoryFragments;
import org.springframework.data.repository.core.support.RepositoryFragment;
import org.springframework.data.repository.query.Param;
import org.springframework.orm.jpa.SharedEntityManagerCreator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The check of the repositories' declared queries that Spring Data no longer makes at every start
 * ({@link RepositoryQueriesParsedOnFirstUse}), made here for every repository.
 */
@H2ServerTest
class RepositoryQueriesTest {

	@Autowired
	ApplicationContext context;

	@Autowired
	EntityManagerFactory entityManagerFactory;

	@Test
	void everyRepositoryPassesTheQueryCheckSpringDataMadeAtStartup() {
		List<String> problems = new ArrayList<>();
		int repositories = 0;
		for (JpaRepositoryFactoryBean<?, ?, ?> repository : context.getBeansOfType(JpaRepositoryFactoryBean.class).values()) {
			repositories++;
			addProblem(problems, repository.getObjectType(), repository.getRepositoryInformation().getFragments());
		}

		assertThat(problems).isEmpty();
		// HAPI 8.8.0 has some 55 (a lookup gone wrong would check none)
		assertThat(repositories).isGreaterThan(40);
	}

	interface BrokenQueries extends Repository<ResourceTable, Long> {
		@Query("SELECT r FROM NoSuchEntity r")
		List<ResourceTable> unknownEntity();
	}

	interface SoundQueries extends Repository<ResourceTable, Long> {
		@Query("SELECT r FROM ResourceTable r WHERE r.myResourceType = :type")
		Page<ResourceTable> byType(@Param("type") String type, Pageable page);
	}

	@Test
	void theCheckReportsAQueryHibernateCannotParse() {
		List<String> problems = new ArrayList<>();
		addProblem(problems, BrokenQueries.class, Set.of());
		addProblem(problems, SoundQueries.class, Set.of());

		assertThat(problems).singleElement().asString().startsWith("BrokenQueries: ").contains("unknownEntity");
	}

	@Test
	void onlyTheThrowawayEntityManagersOfTheCheckSkipParsing() {
		EntityManager shared = SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory);
		EntityManager repositories = RepositoryQueriesParsedOnFirstUse.withoutQueryCheck(shared);

		EntityManager throwaway = repositories.getEntityManagerFactory().createEntityManager();
		try {
			assertThat(throwaway.createQuery("SELECT nonsense FROM NoSuchEntity")).isNull();
			// anything but a query from a string is the real entity manager's
			assertThat(throwaway.isOpen()).isTrue();
			assertThatThrownBy(() -> throwaway.createNamedQuery("noSuchNamedQuery")).isInstanceOf(IllegalArgumentException.class);
		} finally {
			throwaway.close();
		}
		assertThat(throwaway.isOpen()).isFalse();
		// the repositories' own queries are parsed (and refused) as before
		assertThatThrownBy(() -> repositories.createQuery("SELECT nonsense FROM NoSuchEntity"))
				.isInstanceOf(IllegalArgumentException.class);
	}

	/**
	 * Makes the repository as Spring Data makes it at startup, with the check: Hibernate parses every declared
	 * query and, for a page query, the count query that goes with it.
	 */
	private void addProblem(List<String> problems, Class<?> repositoryInterface, Set<RepositoryFragment<?>> fragments) {
		JpaRepositoryFactory checking = new JpaRepositoryFactory(SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory));
		try {
			checking.getRepository(repositoryInterface, RepositoryFragments.from(List.copyOf(fragments)));
		} catch (RuntimeException e) {
			problems.add(repositoryInterface.getSimpleName() + ": " + e.getMessage());
		}
	}
}
