package org.dermconsent.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.orm.jpa.JpaProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/** Says at startup, in one line, which database and which full-text search backend this node uses. */
@Component
public class StartupReport {

	private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

	private final DataSource dataSource;
	private final JpaProperties jpaProperties;

	public StartupReport(DataSource dataSource, JpaProperties jpaProperties) {
		this.dataSource = dataSource;
		this.jpaProperties = jpaProperties;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void report() {
		log.info("DermConsent ready: database={} search-backend={}", describeDatabase(), describeSearchBackend());
	}

	private String describeDatabase() {
		try (Connection connection = dataSource.getConnection()) {
			DatabaseMetaData meta = connection.getMetaData();
			return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " at " + withoutCredentials(meta.getURL());
		} catch (SQLException e) {
			return "unavailable (" + e.getMessage() + ")";
		}
	}

	private String describeSearchBackend() {
		var props = jpaProperties.getProperties();
		if (!Boolean.parseBoolean(props.getOrDefault("hibernate.search.enabled", "false"))) {
			return "none (full-text search disabled)";
		}
		String type = props.getOrDefault("hibernate.search.backend.type", "lucene");
		String where = "lucene".equals(type)
				? props.getOrDefault("hibernate.search.backend.directory.type", "local-filesystem") + " "
						+ props.getOrDefault("hibernate.search.backend.directory.root", "")
				: props.getOrDefault("hibernate.search.backend.hosts", "");
		return type + " (" + where.trim() + ")";
	}

	private static String withoutCredentials(String jdbcUrl) {
		return jdbcUrl == null ? "" : jdbcUrl.replaceAll("(?i)(password|user)=[^;&]*", "$1=***");
	}
}
