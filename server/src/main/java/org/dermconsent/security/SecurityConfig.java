package org.dermconsent.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.dermconsent.access.PurposeAuthority;
import org.dermconsent.rest.CorsPolicy;
import org.dermconsent.rest.CorsProperties;
import org.dermconsent.rest.ExportManifestResponse;
import org.dermconsent.rest.OperationOutcomeWriter;
import org.dermconsent.vocabulary.ImageOfBinary;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

import static org.springframework.security.web.util.matcher.AntPathRequestMatcher.antMatcher;

/**
 * SMART on FHIR: with {@code dermconsent.security.enabled}, every request but the capability
 * statement, the SMART discovery document, health and the patient app's files needs a valid bearer
 * token; its scopes become HAPI authorization rules and its {@code purpose_of_use} claim bounds the
 * purposes it may ask for.
 * Without it (embedded default only), nothing is checked and every purpose may be asked for.
 */
@Configuration
public class SecurityConfig {

	static final String SMART_CONFIGURATION = "/fhir/.well-known/smart-configuration";

	@Bean
	public SecurityFilterChain fhirSecurity(HttpSecurity http, SecurityProperties security, FhirContext fhirContext,
			JwtDecoder jwtDecoder, CorsProperties cors) throws Exception {
		// first in the chain: a preflight is answered before any token is asked for (browsers send none)
		http.addFilter(CorsPolicy.filter(cors, new OperationOutcomeWriter(fhirContext)))
				.csrf(AbstractHttpConfigurer::disable)
				.httpBasic(AbstractHttpConfigurer::disable)
				.formLogin(AbstractHttpConfigurer::disable)
				.logout(AbstractHttpConfigurer::disable)
				.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		if (!security.enabled()) {
			return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).build();
		}
		FhirSecurityErrors errors = new FhirSecurityErrors(new OperationOutcomeWriter(fhirContext), "dermconsent");
		return http
				.authorizeHttpRequests(requests -> requests
						// the container's error page for a request it refused itself (400 for a malformed URL or
						// header): it keeps its status and discloses nothing; asking for a token there would make it 401
						.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
						.requestMatchers(antMatcher(HttpMethod.GET, "/fhir/metadata"), antMatcher(HttpMethod.GET, SMART_CONFIGURATION),
								antMatcher(HttpMethod.GET, "/actuator/health"), antMatcher(HttpMethod.GET, "/actuator/health/**"))
						.permitAll()
						// the patient app's static files and config: public, the app gets its token after it has loaded
						.requestMatchers(antMatcher(HttpMethod.GET, "/patient-app"), antMatcher(HttpMethod.GET, "/patient-app/**"))
						.permitAll()
						.anyRequest().authenticated())
				.oauth2ResourceServer(resourceServer -> resourceServer
						.jwt(jwt -> jwt.decoder(jwtDecoder))
						.authenticationEntryPoint(errors)
						.accessDeniedHandler(errors))
				.exceptionHandling(handling -> handling.authenticationEntryPoint(errors).accessDeniedHandler(errors))
				.build();
	}

	@Bean
	public JwtDecoder jwtDecoder(SecurityProperties security) {
		return TokenValidation.decoderFor(security);
	}

	@Bean
	public PurposeAuthority purposeAuthority(SecurityProperties security) {
		return security.enabled() ? new TokenPurposeAuthority() : PurposeAuthority.OPEN;
	}

	@Bean
	public SmartEndpoints smartEndpoints(SecurityProperties security, RestfulServer fhirRestfulServer, DaoRegistry daoRegistry) {
		SmartEndpoints endpoints = new SmartEndpoints(new IssuerMetadata(security.issuerUri()));
		if (security.enabled()) {
			fhirRestfulServer.registerInterceptor(new SmartAuthorization(new ImageOfBinary(daoRegistry)));
			fhirRestfulServer.registerInterceptor(new SmartCapabilities(endpoints));
		}
		return endpoints;
	}

	/** The bulk export manifest says whether its files need a token: they do exactly when security is on. */
	@Bean
	public ExportManifestResponse exportManifestResponse(SecurityProperties security, RestfulServer fhirRestfulServer) {
		ExportManifestResponse manifest = new ExportManifestResponse(security.enabled());
		fhirRestfulServer.registerInterceptor(manifest);
		return manifest;
	}

	/** Exact servlet mapping: it wins over the FHIR servlet's {@code /fhir/*}. */
	@Bean
	public ServletRegistrationBean<SmartConfigurationServlet> smartConfiguration(SmartEndpoints endpoints,
			SecurityProperties security) {
		ServletRegistrationBean<SmartConfigurationServlet> registration =
				new ServletRegistrationBean<>(new SmartConfigurationServlet(endpoints), SMART_CONFIGURATION);
		registration.setName("smart-configuration");
		registration.setEnabled(security.enabled());
		return registration;
	}
}
