package org.dermconsent.conformance;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Search parameters the server itself needs for enforcement; not part of the published package. */
final class ServerSearchParameters {

	static final String ID = "dermconsent server search parameters";
	static final String LOCATION = "classpath*:dermconsent/server/SearchParameter-*.json";

	private ServerSearchParameters() {}

	static List<String> json() {
		try {
			List<String> resources = new ArrayList<>();
			for (Resource resource : new PathMatchingResourcePatternResolver().getResources(LOCATION)) {
				resources.add(resource.getContentAsString(StandardCharsets.UTF_8));
			}
			return resources;
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read " + LOCATION, e);
		}
	}
}
