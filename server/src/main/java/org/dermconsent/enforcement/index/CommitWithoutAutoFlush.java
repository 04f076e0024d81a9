package org.dermconsent.enforcement.index;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.FlushModeType;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;

import java.util.function.Consumer;

/**
 * Runs the relabelling before a commit with Hibernate's auto-flush off. In its default mode Hibernate
 * checks every entity of the session for changes before each query; after a bundle of thousands of
 * resources, or in a withdrawal that rewrites the labels of thousands of images, each query then cost
 * as much as the whole session, and the commit became quadratic in its size.
 *
 * <p>The session is written out once first, so that the reads see everything the transaction wrote.
 * The work gets a flush to call after a write that a later query must see; what it writes otherwise is
 * written at commit.
 */
final class CommitWithoutAutoFlush {

	private final EntityManagerFactory entityManagerFactory;

	CommitWithoutAutoFlush(EntityManagerFactory entityManagerFactory) {
		this.entityManagerFactory = entityManagerFactory;
	}

	void run(Consumer<Runnable> work) {
		EntityManager session = EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagerFactory);
		if (session == null) {
			work.accept(() -> { });
			return;
		}
		session.flush();
		FlushModeType mode = session.getFlushMode();
		session.setFlushMode(FlushModeType.COMMIT);
		try {
			work.accept(session::flush);
		} finally {
			session.setFlushMode(mode);
		}
	}
}
