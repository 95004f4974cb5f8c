package dev.tend.server.deployments;

import static java.util.Objects.requireNonNull;

import dev.tend.deployments.Candidate;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Environment;
import dev.tend.deployments.Revision;
import dev.tend.deployments.RolloutPolicy;
import dev.tend.deployments.Traffic;
import dev.tend.projects.Project;
import dev.tend.registry.ModelVersion;
import dev.tend.server.serving.DeploymentListener;
import dev.tend.server.serving.ServableVersions;
import dev.tend.store.ConflictException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Deploying a model version to a deployment and starting a rollout on one, with the rules the
 * deployments API and pipeline deploy steps share: prod needs the maintainer role, a deployment
 * belongs to one project and keeps its environment, the version must be servable, one rollout at a
 * time, and every change is told to the serving path (re-pointing a deployment during a rollout
 * ends it, recorded as {@code rollout-superseded} by the store). As a listener itself it also drops
 * versions no deployment serves any more from the model cache. Thread-safe.
 */
public final class Deployments implements DeploymentListener {
  private final DeploymentRepository deployments;
  private final ServableVersions servable;
  private final RolloutMonitor monitor;
  private final DeploymentListener listener;

  public Deployments(
      DeploymentRepository deployments,
      ServableVersions servable,
      RolloutMonitor monitor,
      DeploymentListener listener) {
    this.deployments = requireNonNull(deployments, "deployments is null");
    this.servable = requireNonNull(servable, "servable is null");
    this.monitor = requireNonNull(monitor, "monitor is null");
    this.listener = requireNonNull(listener, "listener is null");
  }

  /** Who makes a change: a principal's name and whether it may maintain the project. */
  public record Actor(String name, boolean maintainer) {
    public Actor {
      requireNonNull(name, "name is null");
    }
  }

  /**
   * What a deploy did: the deployment as it is now, the stable version it had before (empty when it
   * was created), whether it was created, and whether anything changed at all.
   */
  public record Deployed(
      Deployment deployment, Optional<String> previousVersionId, boolean created, boolean changed) {
    public Deployed {
      requireNonNull(deployment, "deployment is null");
      requireNonNull(previousVersionId, "previousVersionId is null");
    }
  }

  /** Why a change was refused; {@link Kind} says how the caller should report it. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kinds of refusal. */
    public enum Kind {
      /** The actor lacks the role the change needs. */
      FORBIDDEN,
      /** The deployment's state does not allow the change. */
      CONFLICT,
      /** The version given cannot be used (not servable, already stable). */
      VERSION
    }

    private final Kind kind;

    Refused(Kind kind, String message) {
      super(message);
      this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind() {
      return kind;
    }
  }

  /**
   * Refuses {@code what} (such as "deploying to") in prod unless {@code actor} may maintain the
   * project.
   */
  public void requireMayChange(Project project, Environment environment, Actor actor, String what) {
    if (environment == Environment.PROD && !actor.maintainer()) {
      throw new Refused(
          Refused.Kind.FORBIDDEN,
          what + " prod needs the maintainer role in project '" + project.name() + "'");
    }
  }

  /**
   * Makes {@code version} the stable version of the named deployment with all the traffic, creating
   * the deployment in {@code environment} when absent. With {@code skipIfCurrent}, a deployment
   * already serving exactly that version (no rollout) is left as it is.
   *
   * @throws Refused when a rule forbids it
   */
  public Deployed deploy(
      Project project,
      String name,
      Environment environment,
      ModelVersion version,
      String reason,
      Actor actor,
      boolean skipIfCurrent) {
    requireMayChange(project, environment, actor, "deploying to");
    Optional<Deployment> existing = existing(project, name);
    if (existing.isPresent() && existing.get().environment() != environment) {
      throw new Refused(
          Refused.Kind.CONFLICT,
          "deployment '"
              + name
              + "' serves "
              + existing.get().environment().wireName()
              + "; its environment cannot change to "
              + environment.wireName()
              + ", create another deployment");
    }
    Traffic traffic = Traffic.stable(version.id());
    Optional<String> previous = existing.map(d -> d.current().traffic().stableVersionId());
    if (skipIfCurrent
        && existing.isPresent()
        && existing.get().current().traffic().equals(traffic)) {
      return new Deployed(existing.get(), previous, false, false);
    }
    requireServable(version);
    Deployment stored =
        existing.isEmpty()
            ? deployments.create(project.id(), name, environment, traffic, reason, actor.name())
            : deployments.update(name, traffic, reason, actor.name());
    changed(name);
    return new Deployed(stored, previous, existing.isEmpty(), true);
  }

  /**
   * Puts {@code candidate} next to the stable version of {@code deployment} under {@code policy}
   * and starts watching it.
   *
   * @throws Refused when a rule forbids it
   */
  public Deployment startRollout(
      Project project,
      Deployment deployment,
      ModelVersion version,
      Candidate candidate,
      RolloutPolicy policy,
      String reason,
      Actor actor) {
    requireMayChange(project, deployment.environment(), actor, "rolling out to");
    if (version.id().equals(deployment.current().traffic().stableVersionId())) {
      throw new Refused(
          Refused.Kind.VERSION,
          "model version " + version.version() + " is already the stable version");
    }
    if (deployments.rollout(deployment.name()).isPresent()) {
      throw rolloutInProgress(deployment.name());
    }
    requireServable(version);
    try {
      deployments.startRollout(deployment.name(), candidate, policy, reason, actor.name());
    } catch (ConflictException e) {
      throw rolloutInProgress(deployment.name());
    }
    monitor.window(deployment.name(), policy.window());
    changed(deployment.name());
    return deployments.get(deployment.name()).orElseThrow();
  }

  /**
   * Ends the running rollout of {@code deployment}: {@code PROMOTE} makes its candidate the stable
   * version (approving it when it awaited approval), {@code ROLLBACK} removes the candidate.
   *
   * @throws Refused when a rule forbids it or no rollout is in progress
   */
  public Deployment endRollout(
      Project project,
      Deployment deployment,
      DeploymentRepository.Ending ending,
      String reason,
      Actor actor) {
    requireMayChange(
        project,
        deployment.environment(),
        actor,
        ending == DeploymentRepository.Ending.PROMOTE ? "promoting in" : "rolling back in");
    try {
      if (ending == DeploymentRepository.Ending.PROMOTE) {
        deployments.promote(deployment.name(), reason, actor.name());
      } else {
        deployments.rollback(deployment.name(), reason, actor.name());
      }
    } catch (ConflictException e) {
      throw new Refused(Refused.Kind.CONFLICT, e.getMessage());
    }
    changed(deployment.name());
    return deployments.get(deployment.name()).orElseThrow();
  }

  /**
   * The named deployment when it belongs to {@code project}; empty when there is none.
   *
   * @throws Refused when another project owns the name
   */
  public Optional<Deployment> existing(Project project, String name) {
    Optional<Deployment> existing = deployments.get(name);
    if (existing.isPresent() && !existing.get().projectId().equals(project.id())) {
      throw new Refused(
          Refused.Kind.CONFLICT, "the deployment name '" + name + "' is taken by another project");
    }
    return existing;
  }

  /** The revisions of the named deployment, newest first. */
  public List<Revision> history(String name) {
    return deployments.history(name);
  }

  private static Refused rolloutInProgress(String name) {
    return new Refused(
        Refused.Kind.CONFLICT,
        "deployment '"
            + name
            + "' has a rollout in progress; promote or roll it back before starting another");
  }

  private void requireServable(ModelVersion version) {
    try {
      servable.requireServable(version);
    } catch (IllegalArgumentException e) {
      throw new Refused(
          Refused.Kind.VERSION,
          "model version " + version.version() + " cannot be served: " + e.getMessage());
    }
  }

  /** Keeps the model cache to the versions deployments point at, and tells the serving path. */
  @Override
  public void changed(String name) {
    Set<String> ids = new HashSet<>();
    for (Deployment d : deployments.listAll()) {
      ids.add(d.current().traffic().stableVersionId());
      d.current().traffic().candidate().ifPresent(c -> ids.add(c.versionId()));
    }
    servable.retain(ids);
    listener.changed(name);
  }
}
