package dev.tend.deployments;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;

/**
 * Something that happened to a deployment's rollout, who did it ({@code tend:rollout-controller}
 * when the server acted by itself) and why. {@code revision} is the deployment's revision at the
 * time. Never changed once written.
 */
public record DeploymentEvent(
    String deploymentId,
    int seq,
    Kind kind,
    int revision,
    String reason,
    Instant createdAt,
    String createdBy) {
  /** The actor of what the server's rollout controller does by itself. */
  public static final String CONTROLLER = "tend:rollout-controller";

  /** What happened. */
  public enum Kind {
    ROLLOUT_STARTED,
    /** A window was judged: recorded when it failed or when the verdict changed. */
    WINDOW_EVALUATED,
    ROLLED_BACK,
    PROMOTED,
    AWAITING_APPROVAL,
    APPROVED,
    /** The deployment was re-pointed while a rollout ran, which ends it. */
    ROLLOUT_SUPERSEDED;

    /** The name stored and shown, such as {@code rolled-back}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Kind fromWireName(String text) {
      for (Kind kind : values()) {
        if (kind.wireName().equals(text)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown deployment event kind '" + text + "'");
    }
  }

  public DeploymentEvent {
    requireNonNull(deploymentId, "deploymentId is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
  }
}
