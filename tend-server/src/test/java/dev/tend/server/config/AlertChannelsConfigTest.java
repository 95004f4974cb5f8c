package dev.tend.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.server.alerting.channel.ChannelSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code alerting.channels} in {@code tend.yaml}: every type, defaults, and clear errors. */
class AlertChannelsConfigTest {
  @TempDir Path dir;

  private TendConfig load(String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("tend.yaml");
    Files.writeString(file, yaml);
    return TendConfigLoader.load(Optional.of(file), env, Map.of());
  }

  @Test
  void everyChannelTypeIsReadWithItsDefaults() throws Exception {
    TendConfig config =
        load(
            """
            server:
              port: 9000
            alerting:
              channels:
                - name: hook
                  type: webhook
                  url: https://hooks.example.com/tend
                  secret: ${HOOK_SECRET}
                  headers:
                    X-Team: ml-ops
                - {name: ops, type: slack, url: "https://hooks.slack.com/services/T/B/x", timeout: 3s}
                - {name: am, type: alertmanager, url: "http://127.0.0.1:9093"}
                - name: mail
                  type: email
                  smtp: mail.example.com:587
                  from: tend@example.com
                  to: [ops@example.com, ml@example.com]
                  username: tend
                  password: ${SMTP_PASSWORD}
            """,
            Map.of("HOOK_SECRET", "s3cret", "SMTP_PASSWORD", "pw"));
    assertThat(config.port()).isEqualTo(9000);
    assertThat(config.alertChannels())
        .containsExactly(
            new ChannelSettings.Webhook(
                "hook",
                URI.create("https://hooks.example.com/tend"),
                Optional.of("s3cret"),
                Map.of("X-Team", "ml-ops"),
                ChannelSettings.DEFAULT_TIMEOUT),
            new ChannelSettings.Slack(
                "ops", URI.create("https://hooks.slack.com/services/T/B/x"), Duration.ofSeconds(3)),
            new ChannelSettings.Alertmanager(
                "am",
                URI.create("http://127.0.0.1:9093"),
                Map.of(),
                ChannelSettings.DEFAULT_TIMEOUT),
            new ChannelSettings.Email(
                "mail",
                "mail.example.com",
                587,
                "tend@example.com",
                List.of("ops@example.com", "ml@example.com"),
                Optional.of("tend"),
                Optional.of("pw"),
                ChannelSettings.StartTls.REQUIRED,
                ChannelSettings.DEFAULT_TIMEOUT));
  }

  @Test
  void noChannelsByDefault() throws Exception {
    assertThat(load("server:\n  port: 9000\n", Map.of()).alertChannels()).isEmpty();
  }

  @Test
  void errorsNameTheFileLineAndField() {
    assertError(
        "alerting:\n  channels:\n    - {name: ops, type: pager, url: 'http://x'}\n",
        "tend.yaml:3:",
        "alerting.channels[0].type must be webhook, slack, email or alertmanager, found 'pager'");
    assertError(
        "alerting:\n  channels:\n    - name: ops\n      type: slack\n      url: ftp://x\n",
        "tend.yaml:5:",
        "alerting.channels[0].url must be an http or https URL, found 'ftp://x'");
    assertError(
        "alerting:\n  channels:\n    - {name: m, type: email, smtp: 'h:25', from: a@b.c}\n",
        "tend.yaml:3:",
        "alerting.channels[0].to is required");
    assertError(
        "alerting:\n  channels:\n    - {name: a, type: slack, url: 'http://x', smtp: 'h'}\n",
        "tend.yaml:3:",
        "alerting.channels[0].smtp is not a field of a slack channel");
    assertError(
        "alerting:\n  channels:\n    - {name: a, type: slack, url: 'http://x'}\n"
            + "    - {name: a, type: alertmanager, url: 'http://y'}\n",
        "tend.yaml:4:",
        "alerting.channels[1].name 'a' is already the name of the channel at");
    assertError(
        "alerting:\n  channels:\n    - {name: a, type: webhook, url: 'http://x', secret: '${NOPE}'}\n",
        "tend.yaml:3:",
        "refers to environment variable NOPE, which is not set");
    assertError(
        "alerting:\n  channels:\n    - {name: a, type: webhook, url: 'http://x', headers: {Host: y}}\n",
        "tend.yaml:3:",
        "'Host' is set by Tend and cannot be configured");
    assertError(
        "alerting:\n  channels:\n    - {name: a, type: slack, url: 'http://x', timeout: 5h}\n",
        "tend.yaml:3:",
        "alerting.channels[0].timeout must be a duration such as 500ms, 10s or 1m");
    assertError("alerting:\n  channels: slack\n", "tend.yaml:2:", "must be a list of channels");
  }

  private void assertError(String yaml, String at, String message) {
    assertThatThrownBy(() -> load(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(at)
        .hasMessageContaining(message);
  }
}
