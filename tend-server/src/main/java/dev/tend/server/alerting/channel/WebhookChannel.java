package dev.tend.server.alerting.channel;

import static java.util.Objects.requireNonNull;

import dev.tend.alert.AlertEvent;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts each event as JSON ({@code tend.alert-event/v1}, see docs/alert-channels.md) to a URL, with
 * the configured extra headers. With a secret, {@value #SIGNATURE} carries {@code sha256=} and the
 * hex HMAC-SHA256 of {@code <X-Tend-Timestamp>.<body>}, so the receiver can check that the event
 * came from this server and is fresh. Thread-safe.
 */
public final class WebhookChannel implements Channel {
  public static final String EVENT = "X-Tend-Event";
  public static final String DELIVERY = "X-Tend-Delivery";
  public static final String TIMESTAMP = "X-Tend-Timestamp";
  public static final String SIGNATURE = "X-Tend-Signature";

  private final ChannelSettings.Webhook settings;
  private final Clock clock;
  private final HttpPoster poster;

  public WebhookChannel(ChannelSettings.Webhook settings, Clock clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.clock = requireNonNull(clock, "clock is null");
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
    Instant now = clock.instant();
    byte[] body = EventJson.bytes(EventJson.of(event, now));
    Map<String, String> headers = new LinkedHashMap<>(settings.headers());
    String timestamp = Long.toString(now.getEpochSecond());
    headers.put(EVENT, EventJson.kind(event));
    headers.put(DELIVERY, UUID.randomUUID().toString());
    headers.put(TIMESTAMP, timestamp);
    settings.secret().ifPresent(secret -> headers.put(SIGNATURE, sign(secret, timestamp, body)));
    poster.post(settings.url(), body, headers);
  }

  /**
   * {@code sha256=} and the hex HMAC-SHA256 of {@code timestamp + "." + body} under {@code secret}.
   */
  public static String sign(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
