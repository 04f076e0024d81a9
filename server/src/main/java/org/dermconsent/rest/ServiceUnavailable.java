package org.dermconsent.rest;

import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.transaction.CannotCreateTransactionException;

import java.net.ConnectException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Tells an outage of something the server depends on (the database, the identity provider) from a
 * fault of the server or the client: the request may well succeed later, so the answer is 503 with
 * Retry-After, not 500 (a bug) and never 4xx (the client did nothing wrong).
 */
public final class ServiceUnavailable {

	/** Seconds a client is asked to wait before it tries again. */
	public static final String RETRY_AFTER_SECONDS = "30";

	// by name, so that this class does not depend on Hibernate's or PostgreSQL's driver classes
	private static final Set<String> OUTAGE_CLASS_NAMES = Set.of(
			"org.hibernate.exception.JDBCConnectionException",
			"org.springframework.dao.DataAccessResourceFailureException",
			"org.springframework.jdbc.CannotGetJdbcConnectionException");

	private ServiceUnavailable() {}

	/** Whether {@code failure} or one of its causes says a dependency could not be reached. */
	public static boolean isOutage(Throwable failure) {
		int hops = 0;
		for (Throwable t = failure; t != null && hops < 32; t = t.getCause(), hops++) {
			if (t instanceof CannotCreateTransactionException
					|| t instanceof SQLTransientConnectionException
					|| t instanceof SQLNonTransientConnectionException
					|| t instanceof ConnectException
					|| t instanceof AuthenticationServiceException
					|| isOutageClass(t.getClass())
					|| isConnectionSqlState(t)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isOutageClass(Class<?> type) {
		for (Class<?> c = type; c != null; c = c.getSuperclass()) {
			if (OUTAGE_CLASS_NAMES.contains(c.getName())) {
				return true;
			}
		}
		return false;
	}

	/** SQLState class 08 is "connection exception" in the SQL standard; 57P01-03 is PostgreSQL shutting down. */
	private static boolean isConnectionSqlState(Throwable t) {
		if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
			String state = sql.getSQLState();
			return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
		}
		return false;
	}
}
