package org.dermconsent.vocabulary;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Several writers need the same new client's Device at once, each inside a write transaction of its own
 * that stays open a while after (as a consent request's write and a withdrawal notice round do), on two
 * server nodes (two {@link ClientDevices}) at once. Every one of those writes must commit, and there must
 * be one Device. Runs on H2 ({@link H2ClientDevicesTest})
 * and PostgreSQL ({@link PostgresClientDevicesTest}).
 */
abstract class ClientDevicesSuite extends FhirApi {

	private static final int WRITERS = 6;

	@Autowired
	DaoRegistry daoRegistry;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	ClientDevices serversDevices;

	@Test
	void writersWhoNeedTheSameNewClientsDeviceAtOnceAllCommit() throws Exception {
		String client = "client-" + testTag.substring(2, 12);
		// this server's own instance, which all its features share, and another node's
		List<ClientDevices> nodes = List.of(serversDevices, new ClientDevices(daoRegistry, transactionManager));
		TransactionTemplate callersTransaction = new TransactionTemplate(transactionManager);
		CyclicBarrier together = new CyclicBarrier(WRITERS);
		ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
		try {
			List<Future<Optional<String>>> results = new ArrayList<>();
			for (int i = 0; i < WRITERS; i++) {
				ClientDevices devices = nodes.get(i % nodes.size());
				results.add(writers.submit(() -> callersTransaction.execute(status -> {
					await(together);
					Optional<String> device = devices.deviceOf(client);
					pause(); // the caller's own write goes on while the others ask
					return device;
				})));
			}
			for (Future<Optional<String>> result : results) {
				assertThat(result.get(60, TimeUnit.SECONDS)).contains("Device/" + client);
			}
		} finally {
			writers.shutdownNow();
		}
		fhir().get("/Device?_id=" + client + "&_summary=count").then().statusCode(200).body("total", equalTo(1));
		fhir().get("/Device/" + client).then().statusCode(200)
				.body("identifier[0].system", equalTo(WithdrawalNotices.CLIENT_ID_SYSTEM))
				.body("identifier[0].value", equalTo(client));
	}

	@Test
	void aDeviceCreatedForAWriteThatThenFailsStays() {
		String client = "client-" + testTag.substring(2, 12);
		ClientDevices devices = new ClientDevices(daoRegistry, transactionManager);
		TransactionTemplate callersTransaction = new TransactionTemplate(transactionManager);
		try {
			callersTransaction.executeWithoutResult(status -> {
				devices.deviceOf(client);
				throw new IllegalStateException("the caller's write is refused after asking");
			});
		} catch (IllegalStateException expected) {
			// the caller's transaction rolled back
		}
		fhir().get("/Device/" + client).then().statusCode(200);
		// a second ask finds it and creates nothing
		assertThat(devices.deviceOf(client)).contains("Device/" + client);
		fhir().get("/Device/" + client + "/_history?_summary=count").then().statusCode(200).body("total", equalTo(1));
	}

	@Test
	void aClientIdThatCannotBeAResourceIdHasNoDevice() {
		ClientDevices devices = new ClientDevices(daoRegistry, transactionManager);
		assertThat(devices.deviceOf("has space")).isEmpty();
		assertThat(devices.deviceOf("x".repeat(65))).isEmpty();
		devices.ensureResolves("Organization/" + testTag.substring(2, 12)); // left to the write's own reference check
		fhir().get("/Organization/" + testTag.substring(2, 12)).then().statusCode(404);
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(30, TimeUnit.SECONDS);
		} catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}

	private static void pause() {
		try {
			Thread.sleep(300);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}
}
