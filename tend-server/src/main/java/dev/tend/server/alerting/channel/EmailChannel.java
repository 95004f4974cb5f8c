package dev.tend.server.alerting.channel;

import static java.util.Objects.requireNonNull;

import dev.tend.alert.AlertEvent;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Clock;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Sends each event as an e-mail through an SMTP server (Jakarta Mail): a plain-text and an HTML
 * part, a subject such as {@code [FIRING] critical flights/f1-floor: f1 of flights-prod is 0.41},
 * {@code X-Tend-*} headers for filters, and a {@code References} header from the fingerprint so
 * mail clients thread an alert's firing, repeats and resolution. STARTTLS and AUTH as configured.
 * Thread-safe.
 */
public final class EmailChannel implements Channel {
  public static final String EVENT = "X-Tend-Event";
  public static final String FINGERPRINT = "X-Tend-Fingerprint";
  public static final String ALERT_ID = "X-Tend-Alert-Id";
  public static final String INCIDENT_ID = "X-Tend-Incident-Id";

  private final ChannelSettings.Email settings;
  private final Clock clock;
  private final Session session;
  private final InternetAddress from;
  private final InternetAddress[] to;

  public EmailChannel(ChannelSettings.Email settings, Clock clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.clock = requireNonNull(clock, "clock is null");
    Properties props = new Properties();
    String timeout = Long.toString(settings.timeout().toMillis());
    props.put("mail.transport.protocol", "smtp");
    props.put("mail.smtp.host", settings.host());
    props.put("mail.smtp.port", Integer.toString(settings.port()));
    props.put("mail.smtp.connectiontimeout", timeout);
    props.put("mail.smtp.timeout", timeout);
    props.put("mail.smtp.writetimeout", timeout);
    props.put("mail.smtp.auth", Boolean.toString(settings.username().isPresent()));
    props.put(
        "mail.smtp.starttls.enable",
        Boolean.toString(settings.startTls() != ChannelSettings.StartTls.OFF));
    props.put(
        "mail.smtp.starttls.required",
        Boolean.toString(settings.startTls() == ChannelSettings.StartTls.REQUIRED));
    props.put("mail.smtp.ssl.checkserveridentity", "true");
    this.session = Session.getInstance(props);
    try {
      this.from = new InternetAddress(settings.from(), true);
      this.to = new InternetAddress[settings.to().size()];
      for (int i = 0; i < to.length; i++) {
        to[i] = new InternetAddress(settings.to().get(i), true);
      }
    } catch (AddressException e) {
      throw new IllegalArgumentException("invalid e-mail address: " + e.getMessage(), e);
    }
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
    String server = settings.host() + ":" + settings.port();
    try {
      MimeMessage message = message(event);
      if (settings.username().isPresent()) {
        Transport.send(message, settings.username().get(), settings.password().orElseThrow());
      } else {
        Transport.send(message);
      }
    } catch (AuthenticationFailedException e) {
      throw new DeliveryException("SMTP server " + server + " refused the credentials", false, e);
    } catch (SendFailedException e) {
      throw new DeliveryException(
          "SMTP server " + server + " refused the message: " + firstLine(e), false, e);
    } catch (MessagingException e) {
      throw new DeliveryException(
          "sending through SMTP server " + server + " failed: " + firstLine(e), true, e);
    }
  }

  MimeMessage message(AlertEvent event) throws MessagingException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(from);
    message.setRecipients(Message.RecipientType.TO, to);
    message.setSubject(subject(event), "UTF-8");
    message.setSentDate(Date.from(clock.instant()));
    message.setHeader(EVENT, EventJson.kind(event));
    message.setHeader(FINGERPRINT, event.fingerprint());
    message.setHeader(ALERT_ID, event.alertId());
    message.setHeader(INCIDENT_ID, event.incidentId());
    message.setHeader("References", "<" + threadId(event) + ">");
    if (event.kind() != AlertEvent.Kind.FIRING) {
      message.setHeader("In-Reply-To", "<" + threadId(event) + ">");
    }
    MimeBodyPart text = new MimeBodyPart();
    text.setText(text(event), "UTF-8", "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(html(event), "UTF-8", "html");
    MimeMultipart alternative = new MimeMultipart("alternative", text, html);
    message.setContent(alternative);
    message.saveChanges();
    return message;
  }

  static String subject(AlertEvent event) {
    String subject =
        "["
            + event.kind().name()
            + "] "
            + event.severity()
            + " "
            + event.project()
            + "/"
            + event.rule()
            + ": "
            + event.summary();
    return subject.replaceAll("[\\r\\n]+", " ");
  }

  static String text(AlertEvent event) {
    StringBuilder text = new StringBuilder();
    text.append(event.kind().name()).append(": ").append(event.summary()).append("\n\n");
    if (!event.description().isBlank()) {
      text.append(event.description()).append("\n\n");
    }
    event
        .rootCause()
        .ifPresent(
            c -> {
              text.append("Root cause: ").append(c.summary()).append('\n');
              c.highlights(Channel.TOP_CAUSES)
                  .forEach(l -> text.append("  - ").append(l).append('\n'));
              text.append('\n');
            });
    for (Map.Entry<String, String> row : rows(event).entrySet()) {
      text.append(row.getKey()).append(": ").append(row.getValue()).append('\n');
    }
    event.link().ifPresent(l -> text.append("\n").append(l).append('\n'));
    return text.toString();
  }

  static String html(AlertEvent event) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
    html.append("<p style=\"border-left:6px solid ")
        .append(SlackChannel.colour(event))
        .append(";padding-left:8px\"><strong>")
        .append(escape(event.kind().name()))
        .append("</strong> ")
        .append(escape(event.summary()))
        .append("</p>");
    if (!event.description().isBlank()) {
      html.append("<pre style=\"white-space:pre-wrap\">")
          .append(escape(event.description()))
          .append("</pre>");
    }
    event
        .rootCause()
        .ifPresent(
            c -> {
              html.append("<p><strong>Root cause:</strong> ")
                  .append(escape(c.summary()))
                  .append("</p><ul>");
              c.highlights(Channel.TOP_CAUSES)
                  .forEach(l -> html.append("<li>").append(escape(l)).append("</li>"));
              html.append("</ul>");
            });
    html.append("<table>");
    for (Map.Entry<String, String> row : rows(event).entrySet()) {
      html.append("<tr><th align=\"left\">")
          .append(escape(row.getKey()))
          .append("</th><td>")
          .append(escape(row.getValue()))
          .append("</td></tr>");
    }
    html.append("</table>");
    event
        .link()
        .ifPresent(
            l ->
                html.append("<p><a href=\"")
                    .append(escape(l))
                    .append("\">Open the alert in Tend</a></p>"));
    html.append("</body></html>");
    return html.toString();
  }

  private static Map<String, String> rows(AlertEvent event) {
    Map<String, String> rows = new java.util.LinkedHashMap<>();
    rows.put("project", event.project());
    rows.put("rule", event.rule());
    rows.put("severity", event.severity());
    new TreeMap<>(event.labels()).forEach(rows::put);
    event.value().ifPresent(v -> rows.put("value", String.format(Locale.ROOT, "%.6g", v)));
    rows.put("since", event.startsAt().toString());
    event.endsAt().ifPresent(t -> rows.put("until", t.toString()));
    rows.put("alert", event.alertId());
    rows.put("incident", event.incidentId());
    return rows;
  }

  private static String threadId(AlertEvent event) {
    return event.fingerprint().replaceAll("[^A-Za-z0-9._-]", "_") + "@alerts.tend";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }
}
