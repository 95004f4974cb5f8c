package dev.tend.server.serving;

/**
 * Hears every request a deployment routed to one of its versions, after the answer is known: the
 * rollout monitor counts them per version and window to compare a candidate with the stable
 * version. Called on the serving path, so implementations must be fast, never block and never
 * throw. Thread-safe.
 */
public interface TrafficObserver {
  /** Hears nothing. */
  TrafficObserver NONE = (deployment, versionId, role, latencyNanos, failed) -> {};

  /** Which part of a deployment's traffic a request took. */
  enum Role {
    /** The stable version answered. */
    STABLE,
    /** A canary or A/B candidate answered. */
    CANDIDATE,
    /** A shadow copy: the candidate's answer was logged, not returned. */
    SHADOW
  }

  /**
   * One request answered, or refused, by {@code versionId}.
   *
   * @param latencyNanos time from routing to the answer being ready (before it is written out)
   * @param failed whether the version did not answer it: its signature refused the rows or its
   *     runtime failed. Requests refused before routing (malformed JSON, wrong content type, too
   *     large, unknown deployment) are not heard at all
   */
  void served(String deployment, String versionId, Role role, long latencyNanos, boolean failed);
}
