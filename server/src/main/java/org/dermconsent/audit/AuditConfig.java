package org.dermconsent.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.persistence.EntityManagerFactory;
import org.dermconsent.enforcement.DisclosureAudit;
import org.dermconsent.security.SecurityProperties;
import org.dermconsent.vocabulary.ImageOfBinary;
import org.dermconsent.withdrawal.DisclosureBacklog;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.orm.jpa.SharedEntityManagerCreator;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The disclosure audit: recorded on every path that lets an image out, journaled before the response
 * leaves, stored as AuditEvents in the background.
 */
@Configuration
public class AuditConfig {

	private static final Logger log = LoggerFactory.getLogger(AuditConfig.class);
	private static final int DEFAULT_SLOTS = 16;

	@Bean(initMethod = "open", destroyMethod = "stop")
	public AuditTrail auditTrail(DaoRegistry daoRegistry, FhirContext fhirContext, IHapiTransactionService transactions,
			EntityManagerFactory entityManagerFactory, DataSource dataSource, AuditProperties properties,
			SecurityProperties security, @Value("${spring.datasource.url:}") String databaseUrl) {
		return new AuditTrail(daoRegistry.getResourceDao(AuditEvent.class), fhirContext, transactions,
				SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory), dataSource,
				journal(properties, databaseUrl, security.enabled()), properties.flushInterval(), properties.compactInterval());
	}

	/** AuditEvents are append-only on the REST paths and on the storage paths (transaction and batch entries). */
	@Bean
	public AppendOnlyAuditEvents appendOnlyAuditEvents(RestfulServer fhirRestfulServer, IInterceptorService storageInterceptors) {
		AppendOnlyAuditEvents appendOnly = new AppendOnlyAuditEvents();
		fhirRestfulServer.registerInterceptor(appendOnly);
		storageInterceptors.registerInterceptor(appendOnly);
		return appendOnly;
	}

	/**
	 * The audit step of the disclosure pipeline; records what a response disclosed when the pipeline
	 * says it leaves ({@link DisclosureAudit#leaving}), and what a handler that writes its own response
	 * disclosed when it is done ({@link DisclosureRelease}).
	 */
	@Bean
	public DisclosureAudit disclosureAudit(AuditTrail trail, DaoRegistry daoRegistry, AuditProperties properties,
			RestfulServer fhirRestfulServer) {
		if (!properties.enabled()) {
			return DisclosureAudit.NONE;
		}
		fhirRestfulServer.registerInterceptor(new DisclosureRelease(trail));
		return new DisclosureRecorder(trail, new ImageOfBinary(daoRegistry));
	}

	/** Withdrawal notices wait until the disclosures they are computed from are stored. */
	@Bean
	public DisclosureBacklog disclosureBacklog(AuditTrail trail) {
		return trail::storedEverythingJournaledBefore;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void startWriting(ApplicationReadyEvent event) {
		event.getApplicationContext().getBean(AuditTrail.class).start();
	}

	private static AuditJournal journal(AuditProperties properties, String databaseUrl, boolean security) {
		if (!properties.durable()) {
			if (security) {
				throw new IllegalStateException("dermconsent.audit.durable=false is for benchmarks only and cannot be"
						+ " combined with dermconsent.security.enabled=true");
			}
			log.warn("The audit journal is not forced to disk (dermconsent.audit.durable=false): a crash of the machine"
					+ " can lose disclosures. Use this only to measure what durability costs.");
		}
		String database = databaseOf(databaseUrl);
		if (properties.journal() != null) {
			return new AuditJournal(properties.journal().toAbsolutePath(), database, 1, false, properties.durable(),
					properties.journalTimeout());
		}
		if (databaseUrl.startsWith("jdbc:h2:mem:")) { // a crash loses the database too: the journal lives as long as it
			try {
				return new AuditJournal(Files.createTempDirectory("dermconsent-audit-journal"), database, 1, true,
						properties.durable(), properties.journalTimeout());
			} catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}
		// another server in this directory (a second node, a second application context in one JVM)
		// takes audit-journal-2, and so on
		return new AuditJournal(defaultJournal(databaseUrl), database, DEFAULT_SLOTS, false, properties.durable(),
				properties.journalTimeout());
	}

	/** The database a journal belongs to: its JDBC URL without user, password or other parameters. */
	static String databaseOf(String databaseUrl) {
		String database = databaseUrl.split("[?;]", 2)[0];
		return database.replaceFirst("//[^/@]*@", "//");
	}

	/** Next to an H2 file database, else {@code ./data/audit-journal}. */
	static Path defaultJournal(String databaseUrl) {
		String h2 = "jdbc:h2:";
		if (databaseUrl.startsWith(h2) && !databaseUrl.startsWith(h2 + "tcp:") && !databaseUrl.startsWith(h2 + "ssl:")) {
			String file = databaseUrl.substring(h2.length()).split(";", 2)[0];
			file = file.startsWith("file:") ? file.substring("file:".length()) : file;
			file = file.startsWith("~") ? System.getProperty("user.home") + file.substring(1) : file;
			Path parent = Path.of(file).toAbsolutePath().getParent();
			return parent.resolve("audit-journal");
		}
		return Path.of("data", "audit-journal").toAbsolutePath();
	}
}
