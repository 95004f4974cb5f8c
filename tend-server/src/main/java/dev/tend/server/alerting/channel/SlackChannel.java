package dev.tend.server.alerting.channel;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.alert.AlertEvent;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Posts each event to a Slack incoming webhook: a plain {@code text} line for notifications and
 * clients without blocks, and an attachment coloured by severity (green once resolved) whose blocks
 * carry the summary, the description and the labels. Thread-safe.
 */
public final class SlackChannel implements Channel {
  /** Colours of the attachment's bar. */
  static final String CRITICAL = "#E01E5A";

  static final String WARNING = "#ECB22E";
  static final String INFO = "#36C5F0";
  static final String RESOLVED = "#2EB67D";
  static final String ACKNOWLEDGED = "#868686";

  /* Slack refuses a section text longer than 3000 characters. */
  private static final int MAX_SECTION = 2900;

  private final ChannelSettings.Slack settings;
  private final HttpPoster poster;

  public SlackChannel(ChannelSettings.Slack settings) {
    this.settings = requireNonNull(settings, "settings is null");
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
    poster.post(settings.url(), EventJson.bytes(payload(event)), Map.of());
  }

  /** The message Slack is sent for {@code event}. */
  static ObjectNode payload(AlertEvent event) {
    String headline =
        "["
            + event.kind().name()
            + "] "
            + event.severity()
            + " "
            + event.rule()
            + " ("
            + event.project()
            + "): "
            + event.summary();
    ObjectNode message = EventJson.MAPPER.createObjectNode();
    message.put("text", escape(headline));
    ObjectNode attachment = message.putArray("attachments").addObject();
    attachment.put("color", colour(event));
    attachment.put("fallback", escape(headline));
    ArrayNode blocks = attachment.putArray("blocks");
    StringBuilder section = new StringBuilder();
    section
        .append('*')
        .append(event.kind().name())
        .append(" · ")
        .append(escape(event.rule()))
        .append("* (")
        .append(escape(event.severity()))
        .append(")\n");
    String summary = escape(event.summary());
    section.append(
        event.link().map(l -> "<" + l + "|" + summary.replace("|", "¦") + ">").orElse(summary));
    if (!event.description().isBlank()) {
      section.append('\n').append(escape(event.description()));
    }
    event
        .rootCause()
        .ifPresent(
            c -> {
              section.append("\n*Root cause:* ").append(escape(c.summary()));
              c.highlights(Channel.TOP_CAUSES)
                  .forEach(l -> section.append("\n• ").append(escape(l)));
            });
    String text =
        section.length() > MAX_SECTION
            ? section.substring(0, MAX_SECTION) + "…"
            : section.toString();
    ObjectNode sectionBlock = blocks.addObject();
    sectionBlock.put("type", "section");
    ObjectNode sectionText = sectionBlock.putObject("text");
    sectionText.put("type", "mrkdwn");
    sectionText.put("text", text);
    StringJoiner context = new StringJoiner(" · ");
    context.add("project *" + escape(event.project()) + "*");
    new TreeMap<>(event.labels())
        .forEach((k, v) -> context.add(escape(k) + " `" + escape(v) + "`"));
    event.value().ifPresent(v -> context.add("value " + String.format(Locale.ROOT, "%.4g", v)));
    context.add("since " + event.startsAt());
    event.endsAt().ifPresent(t -> context.add("until " + t));
    ObjectNode contextBlock = blocks.addObject();
    contextBlock.put("type", "context");
    ObjectNode element = contextBlock.putArray("elements").addObject();
    element.put("type", "mrkdwn");
    String contextText = context.toString();
    element.put(
        "text",
        contextText.length() > MAX_SECTION
            ? contextText.substring(0, MAX_SECTION) + "…"
            : contextText);
    return message;
  }

  static String colour(AlertEvent event) {
    return switch (event.kind()) {
      case RESOLVED -> RESOLVED;
      case ACKNOWLEDGED -> ACKNOWLEDGED;
      case FIRING, REPEAT ->
          switch (event.severity().toLowerCase(Locale.ROOT)) {
            case "critical", "error", "page" -> CRITICAL;
            case "warning" -> WARNING;
            default -> INFO;
          };
    };
  }

  /* Slack's mrkdwn treats &, < and > as control characters. */
  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
