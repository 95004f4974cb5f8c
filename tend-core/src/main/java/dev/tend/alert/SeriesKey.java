package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One series a rule watches: a deployment, a model version ({@code *} for all traffic), a segment
 * ({@code ""} for all rows) and a column ({@code ""} for the whole window).
 */
public record SeriesKey(String deployment, String modelVersion, String segment, String column) {
  public SeriesKey {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(segment, "segment is null");
    requireNonNull(column, "column is null");
  }

  /** The series {@code point} belongs to. */
  public static SeriesKey of(MetricPoint point) {
    return new SeriesKey(point.deployment(), point.modelVersion(), point.segment(), point.column());
  }

  /**
   * The fingerprint of the alerts {@code rule} raises on this series: 16 hex digits of a SHA-256
   * over the rule's name and the series, the same on every server and across restarts.
   */
  public String fingerprint(String rule) {
    requireNonNull(rule, "rule is null");
    String text = String.join("\u0000", rule, deployment, modelVersion, segment, column);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
