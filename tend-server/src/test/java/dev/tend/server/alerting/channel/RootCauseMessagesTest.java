package dev.tend.server.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.alert.AlertEvent;
import dev.tend.server.alerting.RootCauseJson;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An alert's root cause in every channel's message: the webhook's {@code root_cause} (posted to a
 * real loopback receiver), Slack's and e-mail's summary with the top three of each kind (escaped),
 * and Alertmanager's {@code root_cause} annotation.
 */
class RootCauseMessagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  Receiver receiver;

  @BeforeEach
  void start() throws Exception {
    receiver = new Receiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void theWebhookCarriesTheRootCauseAsDocumented() throws Exception {
    new WebhookChannel(
            new ChannelSettings.Webhook(
                "hook", receiver.uri("/hook"), Optional.empty(), Map.of(), Duration.ofSeconds(2)),
            Clock.systemUTC())
        .deliver(Events.withRootCause(Events.firing()));

    JsonNode body = JSON.readTree(receiver.next(Duration.ofSeconds(5)).body());
    assertThat(body.get("schema").asText()).isEqualTo("tend.alert-event/v1");
    JsonNode cause = body.get("root_cause");
    assertThat(cause.get("summary").asText()).startsWith("origin missing in 48% of rows");
    assertThat(cause.at("/model/run_id").asText()).isEqualTo("run-9");
    assertThat(cause.at("/datasets/0/version").asText()).isEqualTo("7");
    assertThat(cause.at("/drifted_features/0/method").asText()).isEqualTo("wasserstein");
    assertThat(cause.at("/drifted_features/0/since").asText()).isEqualTo(Events.STARTS.toString());
    assertThat(cause.at("/quality/1/baseline").isNull()).isTrue();
    assertThat(cause.at("/failing_checks/0/columns/0").asText()).isEqualTo("origin");
    assertThat(cause.at("/segments/0/drop").asDouble()).isEqualTo(0.3);
    // What the webhook sends reads back as the same report.
    assertThat(RootCauseJson.read(cause.toString())).isEqualTo(Events.ROOT_CAUSE);

    // An event without one has no member at all.
    new WebhookChannel(
            new ChannelSettings.Webhook(
                "hook", receiver.uri("/hook"), Optional.empty(), Map.of(), Duration.ofSeconds(2)),
            Clock.systemUTC())
        .deliver(Events.firing());
    assertThat(JSON.readTree(receiver.next(Duration.ofSeconds(5)).body()).has("root_cause"))
        .isFalse();
  }

  @Test
  void slackShowsTheSummaryAndTheTopThreeEscaped() {
    ObjectNode message = SlackChannel.payload(Events.withRootCause(Events.firing()));
    String section = message.at("/attachments/0/blocks/0/text/text").asText();
    assertThat(section)
        .contains("*Root cause:* origin missing in 48% of rows")
        .contains("• quality: origin missing in 48% of rows (before: 0%)")
        .contains("• quality: dest missing in 10% of rows")
        .doesNotContain("carrier")
        .contains("• drift: distance wasserstein 3.2 (threshold 0.4) since")
        .contains("• check failing: rule(&lt;a &amp; b&gt;) (12 rows where a &gt; b)")
        .contains("• segment: accuracy 0.5 in origin=ORD against 0.8 overall (100 rows)")
        .doesNotContain("<a & b>");
  }

  @Test
  void emailShowsItInTextAndEscapedHtml() {
    AlertEvent event = Events.withRootCause(Events.firing());
    assertThat(EmailChannel.text(event))
        .contains("Root cause: origin missing in 48% of rows")
        .contains("  - check failing: rule(<a & b>) (12 rows where a > b)")
        .doesNotContain("carrier");
    assertThat(EmailChannel.html(event))
        .contains("<strong>Root cause:</strong> origin missing in 48% of rows")
        .contains("<li>check failing: rule(&lt;a &amp; b&gt;) (12 rows where a &gt; b)</li>")
        .doesNotContain("<a & b>");
    assertThat(EmailChannel.text(Events.firing())).doesNotContain("Root cause");
  }

  @Test
  void alertmanagerGetsTheSummaryAsAnAnnotation() {
    ArrayNode alerts = AlertmanagerChannel.payload(Events.withRootCause(Events.firing()));
    assertThat(alerts.at("/0/annotations/root_cause").asText())
        .isEqualTo(Events.ROOT_CAUSE.summary());
    assertThat(AlertmanagerChannel.payload(Events.firing()).at("/0/annotations").has("root_cause"))
        .isFalse();
  }
}
