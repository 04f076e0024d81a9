package org.dermconsent.support;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives a bulk export job to its end as a busy server would, and answers its output file URLs. */
public final class BulkExportRun {

	private BulkExportRun() {}

	/**
	 * Polls {@code statusUrl} (with requests from {@code client}) until the job is complete; batch jobs
	 * advance a step per maintenance pass, so passes are run between polls.
	 */
	public static List<String> outputUrls(IJobMaintenanceService maintenance, Supplier<RequestSpecification> client,
			String statusUrl) throws InterruptedException {
		return outputUrls(maintenance::forceMaintenancePass, client, statusUrl, Duration.ofMinutes(2));
	}

	/** Polls {@code statusUrl} until the job is complete, leaving its steps to the server's own maintenance passes. */
	public static List<String> outputUrlsOnTheServersSchedule(Supplier<RequestSpecification> client, String statusUrl,
			Duration within) throws InterruptedException {
		return outputUrls(() -> {}, client, statusUrl, within);
	}

	private static List<String> outputUrls(Runnable beforeEachPoll, Supplier<RequestSpecification> client, String statusUrl,
			Duration within) throws InterruptedException {
		for (Instant deadline = Instant.now().plus(within); Instant.now().isBefore(deadline); Thread.sleep(500)) {
			beforeEachPoll.run();
			Response poll = client.get().accept("application/json").get(statusUrl);
			if (poll.statusCode() == 200) {
				return poll.jsonPath().getList("output.url", String.class);
			}
			assertThat(poll.statusCode()).as("export status").isEqualTo(202);
		}
		throw new AssertionError("the export job did not complete within " + within + ": " + statusUrl);
	}

	/** The id part of an output file URL ({@code .../Binary/{id}}). */
	public static String fileId(String url) {
		return url.substring(url.lastIndexOf('/') + 1);
	}
}
