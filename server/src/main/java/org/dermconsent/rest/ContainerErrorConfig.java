package org.dermconsent.rest;

import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts {@link OperationOutcomeErrorReportValve} in place of every error report valve of the embedded Tomcat. */
@Configuration
public class ContainerErrorConfig {

	@Bean
	public WebServerFactoryCustomizer<TomcatServletWebServerFactory> operationOutcomeErrorReports() {
		return new OperationOutcomeErrorReports();
	}

	/** Runs after Spring Boot's own customizer, which adds an HTML error report valve of its own. */
	static final class OperationOutcomeErrorReports
			implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

		@Override
		public void customize(TomcatServletWebServerFactory factory) {
			factory.addContextCustomizers(context -> {
				if (context.getParent() instanceof StandardHost host) {
					Pipeline pipeline = host.getPipeline();
					for (Valve valve : pipeline.getValves()) {
						if (valve instanceof ErrorReportValve) {
							pipeline.removeValve(valve);
						}
					}
					pipeline.addValve(new OperationOutcomeErrorReportValve());
					// the host adds a valve of this class when it starts, unless one is there already
					host.setErrorReportValveClass(OperationOutcomeErrorReportValve.class.getName());
				}
			});
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}
	}
}
