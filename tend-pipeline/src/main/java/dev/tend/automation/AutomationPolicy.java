package dev.tend.automation;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * What a project does on its own to keep one deployment healthy: when an alert of {@link On} fires
 * (or someone triggers it), run the {@link Retrain} pipeline, {@link Gate} the model version it
 * registers against the deployment's stable version on fresh labelled traffic, and roll it out as a
 * {@link Canary}, asking a person first when {@link Approval} says so, within {@link Guardrails}.
 */
public record AutomationPolicy(
    String name,
    String description,
    String deployment,
    On on,
    Retrain retrain,
    Gate gate,
    Canary canary,
    Optional<String> promoteAlias,
    Approval approval,
    Guardrails guardrails) {
  /** Policy names: a lowercase letter or digit, then lowercase letters, digits, '.', '_', '-'. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  public AutomationPolicy {
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(on, "on is null");
    requireNonNull(retrain, "retrain is null");
    requireNonNull(gate, "gate is null");
    requireNonNull(canary, "canary is null");
    requireNonNull(promoteAlias, "promoteAlias is null");
    requireNonNull(approval, "approval is null");
    requireNonNull(guardrails, "guardrails is null");
  }

  /**
   * The alerts that trigger the policy: any of the rules, at any of the severities (all if none).
   */
  public record On(List<String> rules, List<String> severities) {
    public On {
      rules = List.copyOf(rules);
      severities = List.copyOf(severities);
    }

    /** Whether a firing alert of {@code rule} at {@code severity} triggers the policy. */
    public boolean matches(String rule, String severity) {
      return rules.contains(rule) && (severities.isEmpty() || severities.contains(severity));
    }
  }

  /** The stored pipeline to run and the parameters to run it with. */
  public record Retrain(String pipeline, Map<String, String> params) {
    public Retrain {
      requireNonNull(pipeline, "pipeline is null");
      params = Map.copyOf(params);
    }
  }

  /**
   * Challenger against champion on the deployment's newest {@code rows} labelled predictions logged
   * after the challenger's training data, at least {@code minRows} of them, waited for up to {@code
   * maxWait}; the challenger passes when it beats the champion by {@code minImprovement}.
   */
  public record Gate(
      GateMetric metric, double minImprovement, int rows, int minRows, Duration maxWait) {
    public Gate {
      requireNonNull(metric, "metric is null");
      requireNonNull(maxWait, "maxWait is null");
    }

    /**
     * How much better {@code challenger} is than {@code champion}: positive when better, whichever
     * direction the metric improves in.
     */
    public double improvement(double champion, double challenger) {
      return metric.higherIsBetter() ? challenger - champion : champion - challenger;
    }
  }

  /** The metrics a gate compares, by the names tend-train's evaluation gives them. */
  public enum GateMetric {
    ACCURACY(true),
    PRECISION(true),
    RECALL(true),
    F1(true),
    ROC_AUC(true),
    LOG_LOSS(false),
    MAE(false),
    RMSE(false),
    R2(true);

    private final boolean higherIsBetter;

    GateMetric(boolean higherIsBetter) {
      this.higherIsBetter = higherIsBetter;
    }

    public boolean higherIsBetter() {
      return higherIsBetter;
    }

    /** The name policies and evaluations use, such as {@code roc_auc}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<GateMetric> parse(String label) {
      for (GateMetric m : values()) {
        if (m.label().equals(label)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * The canary rollout: {@code percent} of the traffic, judged every {@code window}, promoted after
   * {@code windows} windows without failing ({@link #bake()}), rolled back after {@code
   * failedWindows} failing in a row; quality may drop by at most {@code maxQualityDrop} on the
   * gate's metric when given.
   */
  public record Canary(
      int percent,
      Duration window,
      int windows,
      int failedWindows,
      int minRequests,
      OptionalDouble maxQualityDrop) {
    public Canary {
      requireNonNull(window, "window is null");
      requireNonNull(maxQualityDrop, "maxQualityDrop is null");
    }

    /** How long the canary bakes before promotion: {@code windows x window}. */
    public Duration bake() {
      return window.multipliedBy(windows);
    }
  }

  /** When a person must approve before the canary starts. */
  public enum Approval {
    /** Never: the canary starts as soon as the gate passes. */
    NEVER,
    /** Before a rollout to a prod deployment (the default). */
    PROD,
    /** Always. */
    ALWAYS;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Limits on how often the policy acts: no new action while one started less than {@code cooldown}
   * ago, at most {@code maxPerDay} started per UTC day.
   */
  public record Guardrails(Duration cooldown, int maxPerDay) {
    public Guardrails {
      requireNonNull(cooldown, "cooldown is null");
    }
  }
}
