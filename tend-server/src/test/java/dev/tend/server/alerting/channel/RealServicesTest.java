package dev.tend.server.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.server.LoopbackService;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Alertmanager and e-mail channels against a real Alertmanager and a real SMTP server. */
class RealServicesTest {
  private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void alertmanagerShowsTheAlertActiveThenResolvedAndNotifiesItsReceiver() throws Exception {
    LoopbackService.require(ALERTMANAGER, "prometheus-alertmanager");
    try (Receiver hook = new Receiver()) {
      Files.writeString(
          dir.resolve("alertmanager.yml"),
          """
          route:
            receiver: hook
            group_by: [alertname]
            group_wait: 1s
            group_interval: 1s
            repeat_interval: 1h
          receivers:
            - name: hook
              webhook_configs:
                - url: %s
                  send_resolved: true
          """
              .formatted(hook.uri("/am")));
      int port = LoopbackService.freePort();
      try (LoopbackService am =
          LoopbackService.start(
              List.of(
                  ALERTMANAGER.toString(),
                  "--config.file=alertmanager.yml",
                  "--storage.path=data",
                  "--web.listen-address=127.0.0.1:" + port,
                  "--cluster.listen-address="),
              dir,
              port,
              Duration.ofSeconds(15))) {
        AlertmanagerChannel channel =
            new AlertmanagerChannel(
                new ChannelSettings.Alertmanager(
                    "am", URI.create(am.baseUrl()), Map.of(), Duration.ofSeconds(5)));

        channel.deliver(Events.firing());
        JsonNode active = alerts(am);
        assertThat(active).as(am.log()).hasSize(1);
        JsonNode alert = active.get(0);
        assertThat(alert.at("/labels/alertname").asText()).isEqualTo("f1-floor");
        assertThat(alert.at("/labels/severity").asText()).isEqualTo("critical");
        assertThat(alert.at("/labels/deployment").asText()).isEqualTo("flights-prod");
        assertThat(alert.at("/labels/model_version").asText()).isEqualTo("v3");
        assertThat(alert.at("/labels/metric").asText()).isEqualTo("f1");
        assertThat(alert.at("/annotations/summary").asText())
            .isEqualTo("f1 of flights-prod is 0.41 (below 0.5)");
        assertThat(alert.at("/status/state").asText()).isEqualTo("active");
        assertThat(alert.get("generatorURL").asText())
            .isEqualTo("http://tend.example/projects/flights/alerts/al-1");
        JsonNode firing = JSON.readTree(hook.next(Duration.ofSeconds(10)).body());
        assertThat(firing.get("status").asText()).isEqualTo("firing");
        assertThat(firing.at("/alerts/0/labels/alertname").asText()).isEqualTo("f1-floor");

        channel.deliver(Events.of(dev.tend.alert.AlertEvent.Kind.REPEAT, "fp-1"));
        assertThat(alerts(am)).hasSize(1);

        channel.deliver(Events.resolved());
        assertThat(alerts(am)).as(am.log()).isEmpty();
        JsonNode resolved = JSON.readTree(hook.next(Duration.ofSeconds(10)).body());
        assertThat(resolved.get("status").asText()).isEqualTo("resolved");
        assertThat(resolved.at("/alerts/0/endsAt").asText()).isNotEmpty();
      }
    }
  }

  private static JsonNode alerts(LoopbackService am) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(am.baseUrl() + "/api/v2/alerts")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return JSON.readTree(response.body());
    }
  }

  @Test
  void anEmailReachesARealSmtpServerWithSubjectHeadersAndBothParts() throws Exception {
    LoopbackService.require(PYTHON, "python3-aiosmtpd");
    /* The Maildir handler lays out its folders only when the directory does not exist. */
    Path mail = dir.resolve("mail");
    int port = LoopbackService.freePort();
    try (LoopbackService smtp =
        LoopbackService.start(
            List.of(
                PYTHON.toString(),
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                "127.0.0.1:" + port,
                "-c",
                "aiosmtpd.handlers.Mailbox",
                mail.toString()),
            dir,
            port,
            Duration.ofSeconds(15))) {
      EmailChannel channel =
          new EmailChannel(
              new ChannelSettings.Email(
                  "mail",
                  "127.0.0.1",
                  port,
                  "tend@example.com",
                  List.of("ops@example.com", "ml@example.com"),
                  Optional.empty(),
                  Optional.empty(),
                  ChannelSettings.StartTls.OPTIONAL,
                  Duration.ofSeconds(5)),
              Clock.systemUTC());

      channel.deliver(Events.firing());

      Path file = awaitMail(mail.resolve("new"), smtp);
      MimeMessage message;
      try (InputStream in = Files.newInputStream(file)) {
        message = new MimeMessage(Session.getInstance(new Properties()), in);
      }
      assertThat(message.getSubject())
          .isEqualTo("[FIRING] critical flights/f1-floor: f1 of flights-prod is 0.41 (below 0.5)");
      assertThat(message.getFrom()[0].toString()).isEqualTo("tend@example.com");
      assertThat(message.getHeader("To", ",")).contains("ops@example.com", "ml@example.com");
      assertThat(message.getHeader(EmailChannel.EVENT, null)).isEqualTo("firing");
      assertThat(message.getHeader(EmailChannel.FINGERPRINT, null)).isEqualTo("fp-1");
      assertThat(message.getHeader(EmailChannel.INCIDENT_ID, null)).isEqualTo("in-7");
      assertThat(message.getHeader("References", null)).isEqualTo("<fp-1@alerts.tend>");
      assertThat(message.isMimeType("multipart/alternative")).isTrue();
      Multipart parts = (Multipart) message.getContent();
      assertThat(parts.getCount()).isEqualTo(2);
      Part text = parts.getBodyPart(0);
      Part html = parts.getBodyPart(1);
      assertThat(text.isMimeType("text/plain")).isTrue();
      assertThat((String) text.getContent())
          .contains("FIRING: f1 of flights-prod is 0.41 (below 0.5)")
          .contains("deployment: flights-prod")
          .contains("Most of the drop is in origin=ORD <all>.");
      assertThat(html.isMimeType("text/html")).isTrue();
      assertThat((String) html.getContent())
          .contains("<th align=\"left\">deployment</th><td>flights-prod</td>")
          .contains("origin=ORD &lt;all&gt;")
          .contains("href=\"http://tend.example/projects/flights/alerts/al-1\"");
    }
  }

  @Test
  void anSmtpServerThatIsNotThereIsARetryableFailure() {
    int port = LoopbackService.freePort();
    EmailChannel channel =
        new EmailChannel(
            new ChannelSettings.Email(
                "mail",
                "127.0.0.1",
                port,
                "tend@example.com",
                List.of("ops@example.com"),
                Optional.empty(),
                Optional.empty(),
                ChannelSettings.StartTls.OFF,
                Duration.ofSeconds(2)),
            Clock.systemUTC());
    try {
      channel.deliver(Events.firing());
      throw new AssertionError("delivered to a port nothing listens on");
    } catch (DeliveryException e) {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("127.0.0.1:" + port);
    }
  }

  private static Path awaitMail(Path folder, LoopbackService smtp) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(folder)) {
        try (Stream<Path> files = Files.list(folder)) {
          Optional<Path> first = files.findFirst();
          if (first.isPresent()) {
            return first.get();
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no mail arrived in " + folder + ":\n" + smtp.log());
  }
}
