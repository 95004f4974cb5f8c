package dev.tend.server.alerting;

import static java.util.Objects.requireNonNull;

import dev.tend.alert.AlertRule;
import java.util.Optional;

/**
 * Refuses, when a rule is put, a rule that can never fire for what the project's deployments are,
 * such as a drift rule on a timestamp input; a rule about deployments or columns not known yet is
 * accepted. The monitoring side provides it from the model signatures. Implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface RuleChecks {
  /** Why {@code rule} cannot work in project {@code projectId}, or empty when it can. */
  Optional<Problem> problem(String projectId, AlertRule rule);

  /** Accepts every rule. */
  RuleChecks NONE = (projectId, rule) -> Optional.empty();

  /**
   * Why a rule cannot work.
   *
   * @param field the rule's key at fault, such as {@code column}
   * @param message what is wrong and what would be right
   */
  record Problem(String field, String message) {
    public Problem {
      requireNonNull(field, "field is null");
      requireNonNull(message, "message is null");
    }
  }
}
