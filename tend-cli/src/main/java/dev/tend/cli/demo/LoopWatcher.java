package dev.tend.cli.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.remote.ProblemException;
import dev.tend.cli.remote.TendClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads what the server made of the replayed traffic, through the same HTTP API a dashboard would:
 * the monitor's labelled figures per window, alerts and their root causes, incidents, automation
 * actions. Thread-safe as its client is.
 */
final class LoopWatcher {
  private final TendClient client;
  private final String project;
  private final String deployment;

  LoopWatcher(TendClient client, String project, String deployment) {
    this.client = requireNonNull(client, "client is null");
    this.project = requireNonNull(project, "project is null");
    this.deployment = requireNonNull(deployment, "deployment is null");
  }

  /** One window's figure of all versions and rows. */
  record Point(Instant windowStart, double value, long count) {
    Point {
      requireNonNull(windowStart, "windowStart is null");
    }
  }

  /** A whole-window figure of all traffic ({@code *}, all rows), by window start. */
  TreeMap<Instant, Point> figures(String metric, Optional<String> column, Instant from) {
    return figures(metric, column, from, "*", "");
  }

  /** One series' figure by window start. */
  TreeMap<Instant, Point> figures(
      String metric, Optional<String> column, Instant from, String version, String segment) {
    String path =
        projectPath()
            + "/deployments/"
            + TendClient.segment(deployment)
            + "/monitor/figures?metric="
            + TendClient.query(metric)
            + column.map(c -> "&column=" + TendClient.query(c)).orElse("")
            + "&from="
            + TendClient.query(from.toString())
            + "&version="
            + TendClient.query(version)
            + "&segment="
            + TendClient.query(segment);
    TreeMap<Instant, Point> points = new TreeMap<>();
    for (JsonNode p : client.get(path).body().path("items")) {
      Instant start = Instant.parse(p.path("window_start").asText());
      points.put(start, new Point(start, p.path("value").asDouble(), p.path("count").asLong()));
    }
    return points;
  }

  /** How far the deployment's monitor has read the prediction log and the feedback. */
  record MonitorStatus(Instant cursor, Instant feedbackCursor) {
    MonitorStatus {
      requireNonNull(cursor, "cursor is null");
      requireNonNull(feedbackCursor, "feedbackCursor is null");
    }
  }

  MonitorStatus monitorStatus() {
    JsonNode status =
        client
            .get(projectPath() + "/deployments/" + TendClient.segment(deployment) + "/monitor")
            .body()
            .path("status");
    return new MonitorStatus(
        instant(status.path("cursor")), instant(status.path("feedback_cursor")));
  }

  private static Instant instant(JsonNode value) {
    return value.isTextual() ? Instant.parse(value.asText()) : Instant.EPOCH;
  }

  /** Every alert of the project, newest first, each with its root cause when the server has one. */
  List<JsonNode> alerts() {
    List<JsonNode> alerts = new ArrayList<>();
    for (JsonNode a : client.get(projectPath() + "/alerts").body().path("items")) {
      alerts.add(a);
    }
    return alerts;
  }

  /** One alert in full ({@code root_cause} when the server reports root causes). */
  JsonNode alert(String id) {
    return client.get(projectPath() + "/alerts/" + TendClient.segment(id)).body();
  }

  List<JsonNode> incidents() {
    List<JsonNode> incidents = new ArrayList<>();
    for (JsonNode i : client.get(projectPath() + "/incidents").body().path("items")) {
      incidents.add(i);
    }
    return incidents;
  }

  /**
   * The automation actions, newest first; empty when the server has no automation (a 404 on the
   * route).
   */
  List<JsonNode> actions() {
    try {
      List<JsonNode> actions = new ArrayList<>();
      for (JsonNode a : client.get(projectPath() + "/automation/actions").body().path("items")) {
        actions.add(a);
      }
      return actions;
    } catch (ProblemException e) {
      if (e.status() == 404) {
        return List.of();
      }
      throw e;
    }
  }

  /** Whether the server has automation policies (a 404 on their route says it has not). */
  boolean automationAvailable() {
    try {
      client.get(projectPath() + "/automation/policies");
      return true;
    } catch (ProblemException e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** One action with its audit trail. */
  JsonNode action(String id) {
    return client.get(projectPath() + "/automation/actions/" + TendClient.segment(id)).body();
  }

  /** The operations figures (DORA-style) when the server reports them, else empty. */
  Optional<JsonNode> operations(Instant from) {
    try {
      return Optional.of(
          client
              .get(projectPath() + "/operations?from=" + TendClient.query(from.toString()))
              .body());
    } catch (ProblemException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private String projectPath() {
    return "/projects/" + TendClient.segment(project);
  }
}
