package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import dev.tend.server.config.TendConfig;
import java.time.Duration;

/**
 * How concurrent predictions on one model version are coalesced into one runtime call ({@code
 * serving.batching.max-rows}, {@code serving.batching.max-delay}). A request that finds the model
 * idle runs at once; requests that arrive while it is busy are queued and the next caller to get
 * the model runs all of them, up to {@code maxRows} rows, in one call.
 *
 * @param maxRows most rows of one coalesced call; 1 turns batching off (every request runs alone)
 * @param maxDelay how long the caller that runs a coalesced call may wait for requests that are
 *     already being decoded to join it; zero never waits. Only ever waited when other requests are
 *     in flight, so a lone request is never delayed
 */
public record Batching(int maxRows, Duration maxDelay) {
  /** The default: coalesce up to 64 rows, never wait for more. */
  public static final Batching DEFAULT = new Batching(64, Duration.ZERO);

  /** Every request runs alone, as its own runtime call. */
  public static final Batching OFF = new Batching(1, Duration.ZERO);

  public Batching {
    requireNonNull(maxDelay, "maxDelay is null");
    if (maxRows < 1 || maxRows > 10_000) {
      throw new IllegalArgumentException("maxRows must be from 1 to 10000, found " + maxRows);
    }
    if (maxDelay.isNegative() || maxDelay.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException(
          "maxDelay must be from 0 to 1s, found " + maxDelay.toMillis() + "ms");
    }
  }

  /** The settings of {@code serving.batching.*}. */
  public static Batching of(TendConfig config) {
    return new Batching(config.batchMaxRows(), config.batchMaxDelay());
  }

  /** Whether requests are ever coalesced. */
  public boolean enabled() {
    return maxRows > 1;
  }
}
