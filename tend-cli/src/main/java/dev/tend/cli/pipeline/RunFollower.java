package dev.tend.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/**
 * Follows a pipeline run: prints its log lines as they arrive ({@code [step] text}) until the run
 * ends, then returns the run as the server last answered.
 */
final class RunFollower {
  private static final Duration POLL = Duration.ofMillis(500);

  private RunFollower() {}

  static String runPath(String project, String runId) {
    return "/projects/"
        + TendClient.segment(project)
        + "/pipeline-runs/"
        + TendClient.segment(runId);
  }

  /** Prints lines after {@code after} until the run has ended; returns the ended run. */
  static JsonNode follow(
      TendClient client,
      String project,
      String runId,
      Optional<String> step,
      boolean printLogs,
      PrintWriter out) {
    long after = 0;
    while (true) {
      JsonNode run = client.get(runPath(project, runId)).body();
      boolean ended = isEnded(run);
      if (printLogs) {
        boolean more = true;
        while (more) {
          String query =
              "?after="
                  + after
                  + "&max=1000"
                  + step.map(s -> "&step=" + TendClient.query(s)).orElse("");
          JsonNode logs = client.get(runPath(project, runId) + "/logs" + query).body();
          for (JsonNode line : logs.path("lines")) {
            out.println("[" + line.path("step").asText() + "] " + line.path("text").asText());
          }
          out.flush();
          after = logs.path("last").asLong(after);
          more = logs.path("lines").size() >= 1000;
        }
      }
      if (ended) {
        return run;
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return run;
      }
    }
  }

  static boolean isEnded(JsonNode run) {
    String status = run.path("status").asText();
    return !status.equals("queued") && !status.equals("running");
  }
}
