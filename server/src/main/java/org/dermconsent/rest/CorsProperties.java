package org.dermconsent.rest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * @param allowedOrigins the origins of browser apps that may call the server (CORS): exact origins
 *                       ({@code https://app.example.org}) or patterns ({@code https://*.example.org},
 *                       {@code http://localhost:*} for any port); empty for none
 */
@ConfigurationProperties(prefix = "dermconsent.cors")
public record CorsProperties(
		@DefaultValue({"http://localhost:*", "http://127.0.0.1:*"}) List<String> allowedOrigins) {}
