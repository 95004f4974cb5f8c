package dev.tend.automations;

import dev.tend.store.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Automation policies, actions and audit trails of every project. Each call is one transaction.
 * Actions advance by compare-and-set on their {@code seq}, and at most one per policy is open, so
 * several servers never both advance one action nor both start one for a policy. Thread-safe.
 */
public interface AutomationRepository {
  static AutomationRepository of(Database database) {
    return new JdbiAutomationRepository(database);
  }

  /** What storing a policy did. */
  enum PutResult {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  /** A policy as stored, and what storing it did. */
  record Put(StoredPolicy policy, PutResult result) {}

  /** Creates or replaces the policy {@code name}; the same text again changes nothing. */
  Put putPolicy(
      String projectId,
      String name,
      String source,
      String sourceType,
      String policyJson,
      String deployment,
      String actor);

  Optional<StoredPolicy> policy(String projectId, String name);

  /** The project's policies by name. */
  List<StoredPolicy> policies(String projectId);

  /** Every project's policies. */
  List<StoredPolicy> allPolicies();

  /**
   * Deletes a policy; its actions and their trails stay.
   *
   * @throws dev.tend.store.NotFoundException when there is no such policy
   */
  void deletePolicy(String projectId, String name, String actor);

  /** The limits {@link #start} holds a new action to. */
  record Guardrails(Duration cooldown, int maxPerDay) {}

  /**
   * Starts an action of {@code policy} at {@code now}: {@code queued}, or {@code skipped} with the
   * reason when another action of the policy is open, one started less than the cooldown ago, or
   * the policy started its daily number of actions this UTC day. Skipped actions do not count
   * against the guardrails. Either way the trail's first entry records it.
   */
  Action start(StoredPolicy policy, ActionTrigger trigger, Guardrails guardrails, Instant now);

  Optional<Action> action(String projectId, String actionId);

  /**
   * The project's actions, newest first (by id, which grows with time), of one policy and in one
   * state when given, those with ids below {@code beforeId} when given.
   */
  List<Action> actions(
      String projectId,
      Optional<String> policy,
      Optional<ActionState> state,
      Optional<String> beforeId,
      int limit);

  /** Every project's open actions, oldest first. */
  List<Action> openActions();

  /**
   * Applies {@code change} to the action if it is still as {@code seen} (same {@code seq}) and
   * appends its audit entry; empty when another change came first.
   */
  Optional<Action> advance(Action seen, ActionChange change, Instant now);

  /** An action's audit trail, oldest first. */
  List<AuditEntry> audit(String actionId);
}
