package dev.tend.server.alerting.channel;

import dev.tend.server.alerting.channel.ChannelSettings.Alertmanager;
import dev.tend.server.alerting.channel.ChannelSettings.Email;
import dev.tend.server.alerting.channel.ChannelSettings.Invalid;
import dev.tend.server.alerting.channel.ChannelSettings.Slack;
import dev.tend.server.alerting.channel.ChannelSettings.StartTls;
import dev.tend.server.alerting.channel.ChannelSettings.Webhook;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the fields of one {@code alerting.channels} entry into {@link ChannelSettings}. */
final class ChannelParser {
  private ChannelParser() {}

  /** The names a channel may have: lower-case letters, digits, {@code -} and {@code _}. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  static ChannelSettings parse(Map<String, Object> fields) {
    Fields f = new Fields(fields);
    String type = f.text("type").toLowerCase(Locale.ROOT);
    String name = f.text("name");
    if (!NAME.matcher(name).matches()) {
      throw new Invalid(
          "name",
          "must be 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or"
              + " digit, found '"
              + name
              + "'");
    }
    Duration timeout =
        f.optionalText("timeout").map(t -> duration(t)).orElse(ChannelSettings.DEFAULT_TIMEOUT);
    ChannelSettings settings =
        switch (type) {
          case "webhook" -> {
            f.allow("type", "name", "timeout", "url", "secret", "headers");
            yield new Webhook(
                name, f.url("url"), f.optionalText("secret"), f.headers("headers"), timeout);
          }
          case "slack" -> {
            f.allow("type", "name", "timeout", "url");
            yield new Slack(name, f.url("url"), timeout);
          }
          case "alertmanager" -> {
            f.allow("type", "name", "timeout", "url", "headers");
            yield new Alertmanager(name, f.url("url"), f.headers("headers"), timeout);
          }
          case "email" -> {
            f.allow(
                "type",
                "name",
                "timeout",
                "smtp",
                "from",
                "to",
                "username",
                "password",
                "starttls");
            HostPort smtp = hostPort(f.text("smtp"));
            String from = address("from", f.text("from"));
            List<String> to = f.list("to").stream().map(a -> address("to", a)).toList();
            if (to.isEmpty()) {
              throw new Invalid("to", "must name at least one address");
            }
            Optional<String> username = f.optionalText("username");
            Optional<String> password = f.optionalText("password");
            if (username.isPresent() != password.isPresent()) {
              throw new Invalid(
                  username.isPresent() ? "password" : "username",
                  "username and password must be set together");
            }
            StartTls startTls =
                f.optionalText("starttls")
                    .map(
                        t ->
                            switch (t.toLowerCase(Locale.ROOT)) {
                              case "off" -> StartTls.OFF;
                              case "optional" -> StartTls.OPTIONAL;
                              case "required" -> StartTls.REQUIRED;
                              default ->
                                  throw new Invalid(
                                      "starttls",
                                      "must be off, optional or required, found '" + t + "'");
                            })
                    .orElse(username.isPresent() ? StartTls.REQUIRED : StartTls.OPTIONAL);
            yield new Email(
                name, smtp.host(), smtp.port(), from, to, username, password, startTls, timeout);
          }
          default ->
              throw new Invalid(
                  "type", "must be webhook, slack, email or alertmanager, found '" + type + "'");
        };
    return settings;
  }

  /** Reads the fields of one entry, failing with the field's name. */
  private static final class Fields {
    private static final Set<String> RESTRICTED_HEADERS =
        Set.of("connection", "content-length", "content-type", "expect", "host", "upgrade");
    private final Map<String, Object> fields;

    Fields(Map<String, Object> fields) {
      this.fields = fields;
    }

    void allow(String... known) {
      Set<String> allowed = Set.of(known);
      for (String key : fields.keySet()) {
        if (!allowed.contains(key)) {
          throw new Invalid(
              key,
              "is not a field of a "
                  + fields.get("type")
                  + " channel; its fields are "
                  + String.join(", ", known));
        }
      }
    }

    String text(String field) {
      return optionalText(field).orElseThrow(() -> new Invalid(field, "is required"));
    }

    Optional<String> optionalText(String field) {
      Object value = fields.get(field);
      if (value == null) {
        return Optional.empty();
      }
      if (!(value instanceof String text)) {
        throw new Invalid(field, "must be a single value");
      }
      if (text.isBlank()) {
        throw new Invalid(field, "must not be empty");
      }
      return Optional.of(text.trim());
    }

    List<String> list(String field) {
      Object value = fields.get(field);
      if (value == null) {
        throw new Invalid(field, "is required");
      }
      if (value instanceof String text) {
        return List.of(text);
      }
      if (value instanceof List<?> items) {
        return items.stream()
            .map(
                item -> {
                  if (!(item instanceof String text)) {
                    throw new Invalid(field, "must be a list of single values");
                  }
                  return text;
                })
            .toList();
      }
      throw new Invalid(field, "must be a list of single values");
    }

    Map<String, String> headers(String field) {
      Object value = fields.get(field);
      if (value == null) {
        return Map.of();
      }
      if (!(value instanceof Map<?, ?> map)) {
        throw new Invalid(field, "must be a mapping of header names to values");
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof String headerValue)) {
          throw new Invalid(field, "must be a mapping of header names to single values");
        }
        if (!key.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
          throw new Invalid(field, "'" + key + "' is not a valid header name");
        }
        if (RESTRICTED_HEADERS.contains(key.toLowerCase(Locale.ROOT))
            || key.toLowerCase(Locale.ROOT).startsWith("x-tend-")) {
          throw new Invalid(field, "'" + key + "' is set by Tend and cannot be configured");
        }
        if (headerValue.chars().anyMatch(c -> c == '\r' || c == '\n')) {
          throw new Invalid(field, "the value of '" + key + "' must be one line");
        }
        headers.put(key, headerValue);
      }
      return headers;
    }

    URI url(String field) {
      String text = text(field);
      try {
        URI uri = new URI(text);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
          throw new Invalid(field, "must be an http or https URL, found '" + text + "'");
        }
        return uri;
      } catch (URISyntaxException e) {
        throw new Invalid(field, "must be an http or https URL, found '" + text + "'");
      }
    }
  }

  private static Duration duration(String text) {
    Matcher m = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)").matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new Invalid(
          "timeout", "must be a duration such as 500ms, 10s or 1m, found '" + text + "'");
    }
    long amount = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          default -> Duration.ofMinutes(amount);
        };
    if (d.toMillis() < 100 || d.compareTo(ChannelSettings.MAX_TIMEOUT) > 0) {
      throw new Invalid("timeout", "must be from 100ms to 2m, found '" + text + "'");
    }
    return d;
  }

  private record HostPort(String host, int port) {}

  private static HostPort hostPort(String text) {
    Matcher m =
        Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9.-]+)(?::(\\d{1,5}))?").matcher(text);
    if (!m.matches()) {
      throw new Invalid(
          "smtp", "must be host or host:port, such as mail.example.com:587, found '" + text + "'");
    }
    int port = m.group(2) == null ? 25 : Integer.parseInt(m.group(2));
    if (port < 1 || port > 65535) {
      throw new Invalid("smtp", "port must be from 1 to 65535, found '" + text + "'");
    }
    String host = m.group(1);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return new HostPort(host, port);
  }

  private static String address(String field, String text) {
    String address = text.trim();
    if (!address.matches("[^\\s@<>,;\"]+@[^\\s@<>,;\"]+")) {
      throw new Invalid(
          field, "must be an e-mail address such as ops@example.com, found '" + text + "'");
    }
    return address;
  }
}
