package dev.tend.server.alerting;

import dev.tend.alert.AlertEvent;
import java.util.List;

/**
 * Where alert events go once stored: the channels named by the alert's rule. The channels helper
 * delivers them (webhook, Slack, e-mail, Alertmanager) and reports each outcome back through {@link
 * Alerting#delivered}. Called after the change is committed, never inside a transaction;
 * implementations must be thread-safe and should not block for long.
 */
public interface AlertSink {
  void send(AlertEvent event, List<String> channels);

  /** Delivers nothing: alerts are kept and shown by the API only. */
  AlertSink NONE = (event, channels) -> {};
}
