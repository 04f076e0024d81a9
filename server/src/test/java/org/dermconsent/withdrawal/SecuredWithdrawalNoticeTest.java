package org.dermconsent.withdrawal;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpServer;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Withdrawal notices with security on: two research clients, only the one that received the images
 * is told; each subscribes to, reads and completes its own notices only; nobody forges one.
 */
@SecuredServerTest
class SecuredWithdrawalNoticeTest extends FhirApi {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final String CODE = "https://dermconsent.org/fhir/CodeSystem/task-type|withdrawal-notice";

	private final List<Task> delivered = new CopyOnWriteArrayList<>();
	private HttpServer receiver;
	private String admin;
	private String labA;
	private String labB;

	@BeforeEach
	void clientsAndReceiver() throws IOException {
		admin = LocalTokenIssuer.token("admin", "system/*.*", Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));
		String scopes = "system/Media.rs system/Task.rus system/Subscription.crd";
		labA = LocalTokenIssuer.token("lab-a", scopes, Map.of("purpose_of_use", List.of("ai-training")));
		labB = LocalTokenIssuer.token("lab-b", scopes, Map.of("purpose_of_use", List.of("ai-training")));
		receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/", exchange -> {
			byte[] body = exchange.getRequestBody().readAllBytes();
			if (body.length > 0) {
				delivered.add(FHIR.newJsonParser().parseResource(Task.class, new String(body, StandardCharsets.UTF_8)));
			}
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		receiver.start();
	}

	@AfterEach
	void stopReceiver() {
		receiver.stop(0);
	}

	@Test
	void onlyTheClientThatReceivedTheImagesIsToldAndOnlyItSeesAndCompletesItsNotice() {
		String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/lab-a";
		// a Subscription is for the client's own withdrawal notices, nothing else
		assertThat(subscribe(labA, "Media?_count=1", endpoint).statusCode()).isEqualTo(422);
		assertThat(subscribe(labA, "Task?code=" + CODE + "&owner=Device/lab-b", endpoint).statusCode()).isEqualTo(422);
		String subscription = subscribe(labA, "Task?code=" + CODE + "&owner=Device/lab-a", endpoint)
				.then().statusCode(201).extract().path("id");
		awaitTrue(() -> "active".equals(labRequest(labA).get("/Subscription/" + subscription).then().extract().path("status")));
		// its endpoint (and any headers) are lab-a's: lab-b neither reads nor deletes it
		assertThat(labRequest(labB).get("/Subscription/" + subscription).statusCode()).isIn(403, 404);
		assertThat(labRequest(labB).delete("/Subscription/" + subscription).statusCode()).isEqualTo(403);

		String patient = create(admin, "Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		String consent = create(admin, "Consent", consentJson(patient, "active"));
		String image = create(admin, "Media", DermJson.media(testTag, "Patient/" + patient, "deidentified", null, ""));
		labRequest(labA).get("/Media/" + image).then().statusCode(200);

		as(admin).body(consentJson(patient, "inactive").replaceFirst("\\{", "{\"id\":\"" + consent + "\","))
				.put("/Consent/" + consent).then().statusCode(200);

		awaitTrue(() -> delivered.stream().anyMatch(task -> names(task, image)));
		Task notice = delivered.stream().filter(task -> names(task, image)).findFirst().orElseThrow();
		assertThat(notice.getOwner().getReference()).isEqualTo("Device/lab-a");
		String id = notice.getIdElement().getIdPart();

		// lab-b received nothing: no notice names the image for it, and it cannot see or change lab-a's
		Response searchedByB = labRequest(labB).get("/Task?code=" + CODE);
		assertThat(searchedByB.statusCode()).isEqualTo(200);
		assertThat(searchedByB.asString()).doesNotContain("Media/" + image).doesNotContain("Device/lab-a");
		// nor count it: totals are of the client's own notices, also when it asks for every Task
		assertThat(labRequest(labB).get("/Task?code=" + CODE + "&_summary=count").then().statusCode(200)
				.extract().<Integer>path("total")).isZero();
		// a search for Tasks in general counts (and shows) no notices, not even one's own: ask for them by code or owner
		int everyTaskForA = labRequest(labA).get("/Task?_summary=count").then().statusCode(200).extract().path("total");
		assertThat(labRequest(labB).get("/Task?_summary=count").then().statusCode(200).extract().<Integer>path("total"))
				.isEqualTo(everyTaskForA);
		assertThat(labRequest(labA).get("/Task?owner=Device/lab-a&_summary=count").then().statusCode(200)
				.extract().<Integer>path("total")).isPositive();
		assertThat(labRequest(labB).get("/Task?_total=accurate&owner=Device/lab-a").then().statusCode(200)
				.extract().<Integer>path("total")).isZero();
		assertThat(labRequest(labA).get("/Task?code=" + CODE + "&_summary=count").then().statusCode(200)
				.extract().<Integer>path("total")).isPositive();
		assertThat(labRequest(labB).get("/Task/" + id).statusCode()).isIn(403, 404);
		String completed = labRequest(labA).get("/Task/" + id).then().statusCode(200).extract().asString()
				.replace("\"status\":\"requested\"", "\"status\":\"completed\"");
		assertThat(labRequest(labB).body(completed).put("/Task/" + id).statusCode()).isEqualTo(403);

		// nor can anyone forge a notice to reach another client's endpoint
		assertThat(labRequest(labB).body(completed.replaceFirst("\"id\":\"[^\"]+\",", "")).post("/Task").statusCode())
				.isEqualTo(403);

		labRequest(labA).body(completed).put("/Task/" + id).then().statusCode(200);
		assertThat(labRequest(labA).get("/Task/" + id).then().extract().<String>path("status")).isEqualTo("completed");
		// the completed notice still matches the Subscription: the client gets it back once
		awaitTrue(() -> delivered.stream().anyMatch(task -> names(task, image) && task.getStatus() == Task.TaskStatus.COMPLETED));
		labRequest(labA).delete("/Subscription/" + subscription).then().statusCode(200);
	}

	private Response subscribe(String token, String criteria, String endpoint) {
		return labRequest(token).body("{\"resourceType\":\"Subscription\",\"status\":\"requested\",\"reason\":\"notices\","
				+ "\"criteria\":\"" + criteria + "\",\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"" + endpoint
				+ "\",\"payload\":\"application/fhir+json\"}}").post("/Subscription");
	}

	private static boolean names(Task task, String image) {
		return task.getInput().stream().anyMatch(input -> input.getValue() instanceof Reference reference
				&& ("Media/" + image).equals(reference.getReference()));
	}

	private String consentJson(String patient, String status) {
		return DermJson.consent(testTag, "Patient/" + patient, status, List.of(DermJson.permit("ai-training", "deidentified", null, null)));
	}

	private RequestSpecification as(String token) {
		return fhir().header("Authorization", "Bearer " + token);
	}

	private RequestSpecification labRequest(String token) {
		return as(token).header("X-Purpose-Of-Use", "ai-training");
	}

	private String create(String token, String type, String json) {
		return as(token).body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private static void awaitTrue(java.util.function.BooleanSupplier condition) {
		long deadline = System.currentTimeMillis() + 30_000;
		while (!condition.getAsBoolean()) {
			if (System.currentTimeMillis() > deadline) {
				throw new AssertionError("condition not met within 30 s");
			}
			try {
				Thread.sleep(50);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(e);
			}
		}
	}
}
