package dev.tend.server.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.alert.AlertEvent;
import dev.tend.server.alerting.channel.DeliveryOutcome.Status;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook and Slack channels and the dispatcher, against a real loopback HTTP server. */
class HttpChannelsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(5);

  Receiver receiver;
  final BlockingQueue<DeliveryOutcome> outcomes = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    receiver = new Receiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private WebhookChannel webhook(Optional<String> secret, Duration timeout) {
    return new WebhookChannel(
        new ChannelSettings.Webhook(
            "hook", receiver.uri("/hook"), secret, Map.of("X-Team", "ml-ops"), timeout),
        Clock.systemUTC());
  }

  private DeliveryOutcome outcome() throws InterruptedException {
    DeliveryOutcome o = outcomes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(o).as("an outcome within " + WAIT).isNotNull();
    return o;
  }

  @Test
  void theWebhookPostsTheDocumentedJsonSignedWithTheSecret() throws Exception {
    webhook(Optional.of("s3cret"), Duration.ofSeconds(2)).deliver(Events.firing());

    Receiver.Request request = receiver.next(WAIT);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/hook");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.header("X-Team")).isEqualTo("ml-ops");
    assertThat(request.header(WebhookChannel.EVENT)).isEqualTo("firing");
    String timestamp = request.header(WebhookChannel.TIMESTAMP);
    assertThat(request.header(WebhookChannel.SIGNATURE))
        .isEqualTo(
            WebhookChannel.sign(
                "s3cret", timestamp, request.body().getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(
            WebhookChannel.sign(
                "other", timestamp, request.body().getBytes(StandardCharsets.UTF_8)));
    JsonNode body = JSON.readTree(request.body());
    assertThat(body.get("schema").asText()).isEqualTo("tend.alert-event/v1");
    assertThat(body.get("kind").asText()).isEqualTo("firing");
    assertThat(body.get("fingerprint").asText()).isEqualTo("fp-1");
    assertThat(body.get("rule").asText()).isEqualTo("f1-floor");
    assertThat(body.at("/labels/deployment").asText()).isEqualTo("flights-prod");
    assertThat(body.get("value").asDouble()).isEqualTo(0.41);
    assertThat(body.get("starts_at").asText()).isEqualTo(Events.STARTS.toString());
    assertThat(body.has("ends_at")).isFalse();
  }

  @Test
  void aSignatureIsTheHmacOfTimestampDotBody() {
    // From OpenSSL: printf '1700000000.{}' | openssl dgst -sha256 -hmac key
    assertThat(WebhookChannel.sign("key", "1700000000", "{}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae");
  }

  @Test
  void withoutASecretNoSignatureIsSent() throws Exception {
    webhook(Optional.empty(), Duration.ofSeconds(2)).deliver(Events.resolved());
    Receiver.Request request = receiver.next(WAIT);
    assertThat(request.header(WebhookChannel.SIGNATURE)).isNull();
    assertThat(JSON.readTree(request.body()).get("ends_at").asText()).isNotEmpty();
  }

  @Test
  void slackGetsTextAndABlockAttachmentColouredBySeverityAndGreenOnceResolved() throws Exception {
    SlackChannel slack =
        new SlackChannel(new ChannelSettings.Slack("ops", receiver.uri("/services/T0/B0/x"), WAIT));
    slack.deliver(Events.firing());
    slack.deliver(Events.resolved());

    JsonNode firing = JSON.readTree(receiver.next(WAIT).body());
    assertThat(firing.get("text").asText())
        .startsWith("[FIRING] critical f1-floor (flights): f1 of flights-prod is 0.41");
    assertThat(firing.at("/attachments/0/color").asText()).isEqualTo(SlackChannel.CRITICAL);
    assertThat(firing.at("/attachments/0/blocks/0/type").asText()).isEqualTo("section");
    assertThat(firing.at("/attachments/0/blocks/0/text/text").asText())
        .contains("<http://tend.example/projects/flights/alerts/al-1|f1 of flights-prod")
        .contains("origin=ORD &lt;all&gt;");
    assertThat(firing.at("/attachments/0/blocks/1/elements/0/text").asText())
        .contains("deployment `flights-prod`");
    JsonNode resolved = JSON.readTree(receiver.next(WAIT).body());
    assertThat(resolved.get("text").asText()).startsWith("[RESOLVED]");
    assertThat(resolved.at("/attachments/0/color").asText()).isEqualTo(SlackChannel.RESOLVED);
  }

  @Test
  void aClientErrorIsNotRetryableAndAServerErrorIs() throws Exception {
    WebhookChannel channel = webhook(Optional.empty(), Duration.ofSeconds(2));
    receiver.answer(400, 503);
    assertThatThrownBy(() -> channel.deliver(Events.firing()))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("answered 400");
    assertThatThrownBy(() -> channel.deliver(Events.firing()))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("answered 503");
  }

  @Test
  void theDispatcherRetriesWithBackOffUntilDelivered() throws Exception {
    receiver.answer(503, 500);
    try (ChannelDispatcher dispatcher = dispatcher(webhook(Optional.empty(), WAIT), 4)) {
      dispatcher.dispatch(Events.firing(), List.of());

      DeliveryOutcome first = outcome();
      assertThat(first.status()).isEqualTo(Status.RETRYING);
      assertThat(first.attempt()).isEqualTo(1);
      assertThat(first.detail()).contains("answered 503");
      assertThat(first.retryIn()).isPresent();
      DeliveryOutcome second = outcome();
      assertThat(second.status()).isEqualTo(Status.RETRYING);
      assertThat(second.retryIn().orElseThrow()).isGreaterThan(first.retryIn().orElseThrow());
      DeliveryOutcome third = outcome();
      assertThat(third.status()).isEqualTo(Status.DELIVERED);
      assertThat(third.attempt()).isEqualTo(3);
      assertThat(third.channel()).isEqualTo("hook");
    }
    assertThat(receiver.received()).isEqualTo(3);
  }

  @Test
  void theDispatcherGivesUpAfterMaxAttempts() throws Exception {
    receiver.answer(503, 503, 503);
    try (ChannelDispatcher dispatcher = dispatcher(webhook(Optional.empty(), WAIT), 2)) {
      dispatcher.dispatch(Events.firing(), List.of("hook"));
      assertThat(outcome().status()).isEqualTo(Status.RETRYING);
      DeliveryOutcome last = outcome();
      assertThat(last.status()).isEqualTo(Status.FAILED);
      assertThat(last.attempt()).isEqualTo(2);
    }
  }

  @Test
  void aReceiverThatDoesNotAnswerTimesOutWithoutBlockingTheCaller() throws Exception {
    receiver.delay(Duration.ofSeconds(3));
    try (ChannelDispatcher dispatcher =
        dispatcher(webhook(Optional.empty(), Duration.ofMillis(300)), 1)) {
      long start = System.nanoTime();
      dispatcher.dispatch(Events.firing(), List.of());
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));

      DeliveryOutcome outcome = outcome();
      assertThat(outcome.status()).isEqualTo(Status.FAILED);
      assertThat(outcome.detail()).contains("no answer").contains("within PT0.3S");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void aStaleRetryIsDroppedOnceTheAlertResolved() throws Exception {
    receiver.answer(503);
    try (ChannelDispatcher dispatcher = dispatcher(webhook(Optional.empty(), WAIT), 3)) {
      dispatcher.dispatch(Events.firing(), List.of());
      assertThat(outcome().status()).isEqualTo(Status.RETRYING);
      dispatcher.dispatch(Events.resolved(), List.of());

      DeliveryOutcome resolved = outcome();
      assertThat(resolved.status()).isEqualTo(Status.DELIVERED);
      assertThat(resolved.event().kind()).isEqualTo(AlertEvent.Kind.RESOLVED);
      DeliveryOutcome stale = outcome();
      assertThat(stale.status()).isEqualTo(Status.DROPPED);
      assertThat(stale.event().kind()).isEqualTo(AlertEvent.Kind.FIRING);
      assertThat(stale.detail()).contains("newer event");
    }
    assertThat(receiver.received()).isEqualTo(2);
  }

  @Test
  void anUnknownChannelNameIsReportedNotThrown() throws Exception {
    try (ChannelDispatcher dispatcher = dispatcher(webhook(Optional.empty(), WAIT), 1)) {
      dispatcher.dispatch(Events.firing(), List.of("pager"));
      DeliveryOutcome outcome = outcome();
      assertThat(outcome.status()).isEqualTo(Status.DROPPED);
      assertThat(outcome.detail()).contains("no channel is named 'pager'");
    }
  }

  private ChannelDispatcher dispatcher(Channel channel, int attempts) {
    return new ChannelDispatcher(
        List.of(channel),
        new ChannelDispatcher.Settings(
            10, attempts, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(2)),
        outcomes::add,
        Clock.systemUTC());
  }
}
