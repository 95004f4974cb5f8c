package dev.tend.alerting;

import static java.util.Objects.requireNonNull;

import dev.tend.alert.AlertState;
import dev.tend.alert.SeriesState;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One step of a rule on one series, to store in one transaction: the series' new state, and the
 * alert opening ({@link #fire}) or closing ({@link #resolve}) with it.
 *
 * @param expectedSeq the stored series' {@code seq} this step was computed from; empty when no
 *     state was stored yet
 * @param value the window's value, kept as the open alert's last value
 * @param windowEnd the window's end
 */
public record SeriesMove(
    String projectId,
    String fingerprint,
    String rule,
    OptionalLong expectedSeq,
    SeriesState next,
    Optional<NewAlert> fire,
    boolean resolve,
    double value,
    Instant windowEnd) {
  public SeriesMove {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(fingerprint, "fingerprint is null");
    requireNonNull(rule, "rule is null");
    requireNonNull(expectedSeq, "expectedSeq is null");
    requireNonNull(next, "next is null");
    requireNonNull(fire, "fire is null");
    requireNonNull(windowEnd, "windowEnd is null");
    if (fire.isPresent() && (resolve || next.state() != AlertState.FIRING)) {
      throw new IllegalArgumentException("an alert fires only as its series starts firing");
    }
    if (resolve && next.state() != AlertState.RESOLVED) {
      throw new IllegalArgumentException("an alert resolves only as its series resolves");
    }
  }
}
