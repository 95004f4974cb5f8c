package dev.tend.server.alerting.channel;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.alert.AlertEvent;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Posts each event to an Alertmanager's {@code POST /api/v2/alerts}, as Prometheus does: labels
 * {@code alertname} (the rule), {@code severity}, {@code project} and the event's labels ({@code
 * deployment}, {@code model_version}, {@code metric}, {@code column}, ...), annotations {@code
 * summary}, {@code description} and more, {@code startsAt}, and {@code endsAt} once resolved. While
 * an alert fires, no {@code endsAt} is sent, so Alertmanager keeps it active for its {@code
 * resolve_timeout}: repeat events (and acknowledgements) re-send it to keep it so. Thread-safe.
 */
public final class AlertmanagerChannel implements Channel {
  static final String PATH = "/api/v2/alerts";

  private final ChannelSettings.Alertmanager settings;
  private final URI endpoint;
  private final HttpPoster poster;

  public AlertmanagerChannel(ChannelSettings.Alertmanager settings) {
    this.settings = requireNonNull(settings, "settings is null");
    String base = settings.url().toString().replaceAll("/+$", "");
    this.endpoint = URI.create(base + PATH);
    this.poster = new HttpPoster(settings.timeout());
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public String type() {
    return settings.type();
  }

  @Override
  public void deliver(AlertEvent event) throws DeliveryException {
    poster.post(endpoint, EventJson.bytes(payload(event)), settings.headers());
  }

  /** The body posted for {@code event}: an array of one alert. */
  static ArrayNode payload(AlertEvent event) {
    ArrayNode alerts = EventJson.MAPPER.createArrayNode();
    ObjectNode alert = alerts.addObject();
    Map<String, String> labels = new TreeMap<>();
    event.labels().forEach((k, v) -> labels.put(labelName(k), v));
    labels.put("alertname", event.rule());
    labels.put("severity", event.severity());
    labels.put("project", event.project());
    ObjectNode labelJson = alert.putObject("labels");
    labels.forEach(
        (k, v) -> {
          /* Alertmanager treats an empty value as an absent label. */
          if (!v.isEmpty()) {
            labelJson.put(k, v);
          }
        });
    ObjectNode annotations = alert.putObject("annotations");
    annotations.put("summary", event.summary());
    if (!event.description().isBlank()) {
      annotations.put("description", event.description());
    }
    event.value().ifPresent(v -> annotations.put("value", String.format(Locale.ROOT, "%.6g", v)));
    event.rootCause().ifPresent(c -> annotations.put("root_cause", c.summary()));
    annotations.put("alert_id", event.alertId());
    annotations.put("incident_id", event.incidentId());
    annotations.put("fingerprint", event.fingerprint());
    if (event.kind() == AlertEvent.Kind.ACKNOWLEDGED) {
      annotations.put("acknowledged", "true");
    }
    alert.put("startsAt", event.startsAt().toString());
    if (event.kind() == AlertEvent.Kind.RESOLVED) {
      Instant ends = event.endsAt().orElseThrow();
      /* Alertmanager refuses an alert that ends before it starts. */
      alert.put("endsAt", (ends.isBefore(event.startsAt()) ? event.startsAt() : ends).toString());
    }
    event.link().ifPresent(l -> alert.put("generatorURL", l));
    return alerts;
  }

  /* Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*. */
  static String labelName(String key) {
    String name = key.replaceAll("[^a-zA-Z0-9_]", "_");
    return name.isEmpty() || Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }
}
