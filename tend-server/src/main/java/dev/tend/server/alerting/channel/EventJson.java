package dev.tend.server.alerting.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.alert.AlertEvent;
import dev.tend.server.alerting.RootCauseJson;
import java.time.Instant;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The webhook channel's JSON of an event (schema {@value #SCHEMA}, documented in
 * docs/alert-channels.md). Members are written explicitly so the wire format does not follow
 * refactorings of {@link AlertEvent}. {@code root_cause} (added compatibly to v1) is present when
 * the alert has one.
 */
final class EventJson {
  static final String SCHEMA = "tend.alert-event/v1";
  static final ObjectMapper MAPPER = new ObjectMapper();

  private EventJson() {}

  static String kind(AlertEvent event) {
    return event.kind().name().toLowerCase(Locale.ROOT);
  }

  static ObjectNode of(AlertEvent event, Instant sentAt) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("schema", SCHEMA);
    json.put("kind", kind(event));
    json.put("alert_id", event.alertId());
    json.put("incident_id", event.incidentId());
    json.put("fingerprint", event.fingerprint());
    json.put("project", event.project());
    json.put("rule", event.rule());
    json.put("severity", event.severity());
    ObjectNode labels = json.putObject("labels");
    new TreeMap<>(event.labels()).forEach(labels::put);
    json.put("summary", event.summary());
    json.put("description", event.description());
    event.value().ifPresent(v -> json.put("value", v));
    json.put("starts_at", event.startsAt().toString());
    event.endsAt().ifPresent(t -> json.put("ends_at", t.toString()));
    event.link().ifPresent(l -> json.put("link", l));
    json.put("sent_at", sentAt.toString());
    event.rootCause().ifPresent(c -> json.set("root_cause", RootCauseJson.tree(c)));
    return json;
  }

  static byte[] bytes(Object json) {
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write an alert event as JSON", e);
    }
  }
}
