package dev.tend.server.alerting.channel;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one alert channel is configured: an entry of {@code alerting.channels} in {@code tend.yaml}.
 * Immutable; {@link #parse} checks an entry and names the field that is wrong.
 */
public sealed interface ChannelSettings {
  /** How long one delivery may take unless the entry sets {@code timeout}. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The most a {@code timeout} may be. */
  Duration MAX_TIMEOUT = Duration.ofMinutes(2);

  /** The name rules refer to the channel by. */
  String name();

  /** How long one delivery attempt may take, connecting included. */
  Duration timeout();

  /** The entry's {@code type}. */
  default String type() {
    return switch (this) {
      case Webhook w -> "webhook";
      case Slack s -> "slack";
      case Email e -> "email";
      case Alertmanager a -> "alertmanager";
    };
  }

  /** A generic JSON webhook; signed with HMAC-SHA256 when {@code secret} is set. */
  record Webhook(
      String name, URI url, Optional<String> secret, Map<String, String> headers, Duration timeout)
      implements ChannelSettings {
    public Webhook {
      requireNonNull(name, "name is null");
      requireNonNull(url, "url is null");
      requireNonNull(secret, "secret is null");
      headers = Map.copyOf(requireNonNull(headers, "headers is null"));
      requireNonNull(timeout, "timeout is null");
    }
  }

  /** A Slack incoming webhook. */
  record Slack(String name, URI url, Duration timeout) implements ChannelSettings {
    public Slack {
      requireNonNull(name, "name is null");
      requireNonNull(url, "url is null");
      requireNonNull(timeout, "timeout is null");
    }
  }

  /** An Alertmanager; {@code url} is its base, such as {@code http://127.0.0.1:9093}. */
  record Alertmanager(String name, URI url, Map<String, String> headers, Duration timeout)
      implements ChannelSettings {
    public Alertmanager {
      requireNonNull(name, "name is null");
      requireNonNull(url, "url is null");
      headers = Map.copyOf(requireNonNull(headers, "headers is null"));
      requireNonNull(timeout, "timeout is null");
    }
  }

  /** Whether an SMTP connection is upgraded with STARTTLS. */
  enum StartTls {
    /** Never: plain text (only for a relay on the same host or network). */
    OFF,
    /** When the server offers it. */
    OPTIONAL,
    /** Always; a server that does not offer it is a failed delivery. */
    REQUIRED
  }

  /** E-mail through an SMTP server. */
  record Email(
      String name,
      String host,
      int port,
      String from,
      List<String> to,
      Optional<String> username,
      Optional<String> password,
      StartTls startTls,
      Duration timeout)
      implements ChannelSettings {
    public Email {
      requireNonNull(name, "name is null");
      requireNonNull(host, "host is null");
      requireNonNull(from, "from is null");
      to = List.copyOf(requireNonNull(to, "to is null"));
      requireNonNull(username, "username is null");
      requireNonNull(password, "password is null");
      requireNonNull(startTls, "startTls is null");
      requireNonNull(timeout, "timeout is null");
      if (to.isEmpty()) {
        throw new IllegalArgumentException("to must name at least one address");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be from 1 to 65535");
      }
      if (username.isPresent() != password.isPresent()) {
        throw new IllegalArgumentException("username and password go together");
      }
    }
  }

  /** An entry of {@code alerting.channels} is wrong; {@link #field()} says where. */
  final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public Invalid(String field, String message) {
      super(message);
      this.field = field;
    }

    /** The field that is wrong, or empty for the entry as a whole. */
    public String field() {
      return field;
    }
  }

  /**
   * Checks one entry: each value is a {@link String}, a {@code List<String>} or, for {@code
   * headers}, a {@code Map<String, String>}, as read from the file.
   *
   * @throws Invalid naming the field that is wrong and what would be right
   */
  static ChannelSettings parse(Map<String, Object> fields) {
    return ChannelParser.parse(fields);
  }
}
