package dev.tend.server.alerting.channel;

import dev.tend.alert.AlertEvent;
import java.time.Clock;

/**
 * One configured destination for alerts, such as a Slack channel or an Alertmanager. A channel
 * delivers one event per call and blocks until the receiver accepted it, refused it, or its
 * time-out passed; {@link ChannelDispatcher} calls it off the alerting path and retries. Channels
 * are thread-safe.
 */
public interface Channel {
  /** How many drifted features, broken columns, failing checks and segments messages show. */
  int TOP_CAUSES = 3;

  /** The name rules refer to it by, unique in the server's configuration. */
  String name();

  /**
   * What kind of channel it is: {@code webhook}, {@code slack}, {@code email}, {@code
   * alertmanager}.
   */
  String type();

  /**
   * Delivers {@code event}; returns once the receiver accepted it.
   *
   * @throws DeliveryException when it was not delivered, saying whether trying again may help
   */
  void deliver(AlertEvent event) throws DeliveryException;

  /** The channel {@code settings} describe. */
  static Channel of(ChannelSettings settings, Clock clock) {
    return switch (settings) {
      case ChannelSettings.Webhook w -> new WebhookChannel(w, clock);
      case ChannelSettings.Slack s -> new SlackChannel(s);
      case ChannelSettings.Email e -> new EmailChannel(e, clock);
      case ChannelSettings.Alertmanager a -> new AlertmanagerChannel(a);
    };
  }
}
