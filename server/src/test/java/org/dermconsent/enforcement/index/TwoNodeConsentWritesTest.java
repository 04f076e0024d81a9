package org.dermconsent.enforcement.index;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import org.dermconsent.DermConsentApplication;
import org.dermconsent.support.PostgresServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.List;

/**
 * Two server nodes on one PostgreSQL, as in production behind a load balancer: the test's server and
 * a second one started here over the same database. Each pair of consent writes goes one to each node.
 */
@PostgresServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodeConsentWritesTest extends ConcurrentConsentWritesSuite {

	@Value("${spring.datasource.url}")
	String databaseUrl;

	private ConfigurableApplicationContext secondNode;

	@BeforeAll
	void startSecondNode() {
		secondNode = new SpringApplicationBuilder(DermConsentApplication.class).profiles("postgres").run(
				"--server.port=0",
				"--spring.datasource.url=" + databaseUrl,
				"--spring.datasource.username=postgres",
				"--spring.datasource.password=postgres",
				"--spring.jpa.properties.hibernate.search.backend.directory.type=local-heap",
				"--dermconsent.server.max-request-bytes=1048576");
	}

	@AfterAll
	void stopSecondNode() {
		if (secondNode != null) {
			secondNode.close();
		}
	}

	@Override
	protected List<IInterceptorService> interceptorsOfAllNodes() {
		return List.of(interceptors, secondNode.getBean(IInterceptorService.class));
	}

	@Override
	protected String otherNodeBaseUrl() {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) secondNode).getWebServer().getPort() + "/fhir";
	}
}
