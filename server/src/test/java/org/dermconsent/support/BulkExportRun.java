package org.dermconsent.support;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives a bulk export job to its end as a busy server would, and answers its output file URLs. */
public final class BulkExportRun {

	private BulkExportRun() {}

	/**
	 * Polls {@code statusUrl} (with requests from {@code client}) until the job is complete; batch jobs
	 * advance a step per maintenance pass (once a minute), so passes are run between polls.
	 */
	public static List<String> outputUrls(IJobMaintenanceService maintenance, Supplier<RequestSpecification> client,
			String statusUrl) throws InterruptedException {
		for (int polls = 0; polls < 240; polls++) {
			maintenance.forceMaintenancePass();
			Response poll = client.get().accept("application/json").get(statusUrl);
			if (poll.statusCode() == 200) {
				return poll.jsonPath().getList("output.url", String.class);
			}
			assertThat(poll.statusCode()).as("export status").isEqualTo(202);
			Thread.sleep(500);
		}
		throw new AssertionError("the export job did not complete: " + statusUrl);
	}

	/** The id part of an output file URL ({@code .../Binary/{id}}). */
	public static String fileId(String url) {
		return url.substring(url.lastIndexOf('/') + 1);
	}
}
