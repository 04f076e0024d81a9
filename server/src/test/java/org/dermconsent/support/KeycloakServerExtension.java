package org.dermconsent.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * {@code @ExtendWith(KeycloakServerExtension.class)}: starts the shared {@link KeycloakServer} before
 * the first test class that needs it, injects it as a parameter, and stops it when the whole test plan
 * is done (the JVM shutdown hook is the fallback).
 */
public final class KeycloakServerExtension implements BeforeAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KeycloakServerExtension.class);

	@Override
	public void beforeAll(ExtensionContext context) {
		server(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == KeycloakServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return server(context);
	}

	private static KeycloakServer server(ExtensionContext context) {
		return context.getRoot().getStore(NAMESPACE)
				.getOrComputeIfAbsent("keycloak", key -> new Running(KeycloakServer.get()), Running.class)
				.server();
	}

	private record Running(KeycloakServer server) implements ExtensionContext.Store.CloseableResource {
		@Override
		public void close() {
			server.stop();
		}
	}
}
