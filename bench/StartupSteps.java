import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Starts DermConsent once with Spring's startup recorder and prints where the start went: the time from
 * SpringApplication.run to ready, the steps that took longest by their own time (a step's duration less
 * its sub-steps'), and the own time per kind of step. Run by bench/startup-steps.sh.
 */
public class StartupSteps {

	private record Row(String name, long totalMillis, long ownMillis) {}

	public static void main(String[] args) throws Exception {
		long started = System.nanoTime();
		BufferingApplicationStartup recorder = new BufferingApplicationStartup(100_000);
		SpringApplication application = new SpringApplication(Class.forName("org.dermconsent.DermConsentApplication"));
		application.setApplicationStartup(recorder);
		ConfigurableApplicationContext context = application.run(args);
		double seconds = (System.nanoTime() - started) / 1e9;
		List<StartupTimeline.TimelineEvent> events = recorder.getBufferedTimeline().getEvents();
		Map<Long, Duration> subSteps = new HashMap<>();
		for (StartupTimeline.TimelineEvent event : events) {
			Long parent = event.getStartupStep().getParentId();
			if (parent != null) {
				subSteps.merge(parent, event.getDuration(), Duration::plus);
			}
		}
		List<Row> rows = new ArrayList<>();
		for (StartupTimeline.TimelineEvent event : events) {
			StringBuilder name = new StringBuilder(event.getStartupStep().getName());
			event.getStartupStep().getTags().forEach(tag -> {
				if (tag.getKey().equals("beanName")) {
					name.append(' ').append(tag.getValue());
				}
			});
			long total = event.getDuration().toMillis();
			rows.add(new Row(name.toString(), total,
					total - subSteps.getOrDefault(event.getStartupStep().getId(), Duration.ZERO).toMillis()));
		}
		System.out.printf("STARTUP run to ready: %.1f s%n", seconds);
		System.out.println("STARTUP longest steps (own ms, total ms, step):");
		rows.stream().sorted(Comparator.comparingLong(Row::ownMillis).reversed()).limit(Integer.getInteger("top", 25))
				.forEach(row -> System.out.printf("STARTUP %7d %7d  %s%n", row.ownMillis(), row.totalMillis(), row.name()));
		Map<String, long[]> byKind = new TreeMap<>();
		for (Row row : rows) {
			long[] sums = byKind.computeIfAbsent(row.name().split(" ")[0], kind -> new long[2]);
			sums[0] += row.ownMillis();
			sums[1]++;
		}
		System.out.println("STARTUP own time per kind of step (ms, count, kind):");
		byKind.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed())
				.limit(10).forEach(e -> System.out.printf("STARTUP %7d %5d  %s%n", e.getValue()[0], e.getValue()[1], e.getKey()));
		context.close();
		System.exit(0);
	}
}
