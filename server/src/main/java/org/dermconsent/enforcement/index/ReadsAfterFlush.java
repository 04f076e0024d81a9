package org.dermconsent.enforcement.index;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.FlushModeType;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;

import java.util.function.Supplier;

/**
 * Runs reads that must see everything the current transaction wrote: it writes the session out once,
 * then reads without Hibernate's auto-flush. In its default mode Hibernate checks every entity of the
 * session for changes before each query; after a bundle of thousands of resources that check cost as
 * much as the bundle, and a commit that reads per patient and per image became quadratic in the
 * bundle's size. The reads must not write through the session: what they would write is not flushed
 * before the next read.
 */
final class ReadsAfterFlush {

	private final EntityManagerFactory entityManagerFactory;

	ReadsAfterFlush(EntityManagerFactory entityManagerFactory) {
		this.entityManagerFactory = entityManagerFactory;
	}

	<T> T read(Supplier<T> reads) {
		EntityManager session = EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagerFactory);
		if (session == null) {
			return reads.get();
		}
		session.flush();
		FlushModeType mode = session.getFlushMode();
		session.setFlushMode(FlushModeType.COMMIT);
		try {
			return reads.get();
		} finally {
			session.setFlushMode(mode);
		}
	}
}
