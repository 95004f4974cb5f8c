package dev.tend.cli.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.remote.TendClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends the labels of a replayed week (was the flight more than 15 minutes late?) to the feedback
 * API ({@code POST /api/v1/feedback}) for the predictions it was answered with, as an application
 * learns them a window later. Thread-safe as its client is.
 */
final class LabelFeeder {
  /** The feedback API takes at most 10,000 items a request. */
  static final int BATCH = 10_000;

  private final TendClient client;

  LabelFeeder(TendClient client) {
    this.client = requireNonNull(client, "client is null");
  }

  /**
   * What was sent: how many labels, and when the last request left, which the server's receipt
   * times of its labels are not before.
   */
  record Fed(long labels, Instant lastSentAt) {
    Fed {
      java.util.Objects.requireNonNull(lastSentAt, "lastSentAt is null");
    }
  }

  /** Posts every label. */
  Fed feed(List<TrafficReplayer.Answered> answered) {
    long stored = 0;
    Instant lastSentAt = Instant.now();
    for (int from = 0; from < answered.size(); from += BATCH) {
      lastSentAt = Instant.now();
      List<TrafficReplayer.Answered> batch =
          answered.subList(from, Math.min(answered.size(), from + BATCH));
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      ArrayNode items = body.putArray("items");
      for (TrafficReplayer.Answered a : batch) {
        items.addObject().put("prediction_id", a.predictionId()).put("value", a.delayed());
      }
      client.send("POST", "/feedback", Optional.of(body), Map.of());
      stored += batch.size();
    }
    return new Fed(stored, lastSentAt);
  }
}
