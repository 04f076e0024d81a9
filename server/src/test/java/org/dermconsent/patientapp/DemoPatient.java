package org.dermconsent.patientapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo patient of docker/demo/demo-patient-1.json (the transaction a newcomer loads, see the
 * README): three photos, one of them de-identified, and a consent that allows de-identified research
 * and education. Tests that share a database give its ids their own prefix in place of {@code demo-}.
 */
record DemoPatient(String id, List<String> images, String deidentifiedImage, String transaction) {

	static final Path FILE = Path.of("..", "docker", "demo", "demo-patient-1.json");

	static DemoPatient withPrefix(String prefix) {
		String json;
		try {
			json = Files.readString(FILE, StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return new DemoPatient(prefix + "patient-1",
				List.of(prefix + "image-1", prefix + "image-2", prefix + "image-3"), prefix + "image-3",
				json.replace("\"demo-", "\"" + prefix).replace("/demo-", "/" + prefix));
	}

	/** The ids as the file has them: what the realm's patient-demo user is linked to. */
	static DemoPatient asShipped() {
		return withPrefix("demo-");
	}
}
