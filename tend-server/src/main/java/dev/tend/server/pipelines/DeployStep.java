package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.AccessRepository;
import dev.tend.access.Action;
import dev.tend.access.Authorization;
import dev.tend.deployments.Candidate;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.Environment;
import dev.tend.deployments.RolloutMode;
import dev.tend.deployments.RolloutPolicy;
import dev.tend.deployments.Traffic;
import dev.tend.pipeline.Durations;
import dev.tend.pipeline.PipelineException;
import dev.tend.pipeline.Step;
import dev.tend.pipelines.PipelineDefinition;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.pipelines.PipelineRun;
import dev.tend.pipelines.RunTrigger;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.deployments.Deployments;
import dev.tend.store.Names;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code deploy}: deploys the version an earlier {@code register} step made. With {@code alias} it
 * points that alias of the registered model at the version (the registry's alias history records
 * who and when). With {@code environment} it makes the version the stable version of a serving
 * deployment (default {@code <model>-<environment>}, created when absent), or with {@code rollout}
 * starts a rollout of it there, through the same {@link Deployments} rules as the deployments API;
 * with both, the alias moves first. The step acts as the user who queued the run, or for a
 * triggered run the author of the pipeline definition it runs; prod needs that user to hold the
 * maintainer role. Idempotent across attempts: a deployment already serving the version, or already
 * rolling it out, is left as it is.
 */
final class DeployStep implements StepAction {
  private static final Pattern VERSION = Pattern.compile("([^/]+)/([0-9]+)");

  private final RegistryRepository registry;
  private final PipelineRepository pipelines;
  private final AccessRepository access;
  private final Optional<Deployments> deployments;

  DeployStep(
      RegistryRepository registry,
      PipelineRepository pipelines,
      AccessRepository access,
      Optional<Deployments> deployments) {
    this.registry = registry;
    this.pipelines = pipelines;
    this.access = access;
    this.deployments = deployments;
  }

  @Override
  public Outcome execute(StepContext context) throws StepFailure {
    Step.Deploy deploy = (Step.Deploy) context.step().body();
    String reference = context.bindings().text(deploy.model());
    Matcher m = VERSION.matcher(reference);
    if (!m.matches()) {
      throw StepFailure.of("'" + reference + "' is not a registered model version (<model>/<n>)");
    }
    RegisteredModel model =
        registry
            .model(context.project().id(), m.group(1))
            .orElseThrow(() -> StepFailure.of("no registered model named '" + m.group(1) + "'"));
    int number = Integer.parseInt(m.group(2));
    ModelVersion version =
        registry
            .version(model.id(), number)
            .orElseThrow(
                () -> StepFailure.of("model '" + model.name() + "' has no version " + number));
    ObjectNode outputs = RunExecution.object();
    Optional<Target> target = Optional.empty();
    if (deploy.environment().isPresent()) {
      target = Optional.of(target(context, deploy, model));
    }
    if (deploy.alias().isPresent()) {
      moveAlias(context, model, number, deploy.alias().get(), outputs);
    }
    if (target.isPresent()) {
      outputs.removeAll();
      serve(context, deploy, target.get(), model, version, outputs);
    }
    return Outcome.of(outputs);
  }

  /* Where an environment deploy goes and as whom, checked before anything changes. */
  private record Target(
      Deployments service, Environment environment, String name, Deployments.Actor actor) {}

  private Target target(StepContext context, Step.Deploy deploy, RegisteredModel model)
      throws StepFailure {
    Deployments service =
        deployments.orElseThrow(
            () ->
                StepFailure.of(
                    "this server does not serve models, so it cannot deploy to environment '"
                        + deploy.environment().get()
                        + "'; deploy to an alias"));
    Environment environment;
    try {
      environment = Environment.fromWireName(deploy.environment().get());
    } catch (IllegalArgumentException e) {
      throw StepFailure.of(e.getMessage(), e);
    }
    String name = deploy.deployment().orElse(model.name() + "-" + environment.wireName());
    try {
      Names.requireValid("deployment", name);
    } catch (IllegalArgumentException e) {
      throw StepFailure.of(
          e.getMessage() + "; name the deployment with 'deployment' in the step", e);
    }
    Deployments.Actor actor = actor(context);
    try {
      service.requireMayChange(context.project(), environment, actor, "deploying to");
      service.existing(context.project(), name);
    } catch (Deployments.Refused e) {
      throw StepFailure.of(e.getMessage() + " (the step acts as " + actor.name() + ")", e);
    }
    return new Target(service, environment, name, actor);
  }

  private void moveAlias(
      StepContext context, RegisteredModel model, int number, String alias, ObjectNode outputs)
      throws StepFailure {
    Optional<ModelVersion> before = registry.versionByAlias(model.id(), alias);
    try {
      registry.setAlias(model.id(), alias, number, context.actor());
    } catch (IllegalArgumentException e) {
      throw StepFailure.of(e.getMessage(), e);
    }
    context
        .log()
        .info(
            model.name()
                + "@"
                + alias
                + " now points at version "
                + number
                + before.map(v -> " (was " + v.version() + ")").orElse(" (new alias)"));
    outputs.put("deployment", model.name() + "@" + alias);
    outputs.put("version", number);
    before.ifPresent(v -> outputs.put("previous_version", v.version()));
  }

  private void serve(
      StepContext context,
      Step.Deploy deploy,
      Target target,
      RegisteredModel model,
      ModelVersion version,
      ObjectNode outputs)
      throws StepFailure {
    Deployments service = target.service();
    Environment environment = target.environment();
    String name = target.name();
    Deployments.Actor actor = target.actor();
    String reason =
        "pipeline "
            + context.pipeline().name()
            + " run "
            + context.run().id()
            + " step "
            + context.step().id();
    try {
      Optional<Deployment> existing = service.existing(context.project(), name);
      Deployment now;
      Optional<String> previous = existing.map(d -> d.current().traffic().stableVersionId());
      if (deploy.rollout().isEmpty() || existing.isEmpty()) {
        Deployments.Deployed deployed =
            service.deploy(context.project(), name, environment, version, reason, actor, true);
        now = deployed.deployment();
        context
            .log()
            .info(
                "deployment "
                    + name
                    + (deployed.created()
                        ? " created in " + environment.wireName() + " with"
                        : deployed.changed() ? " now serves" : " already serves")
                    + " "
                    + model.name()
                    + " version "
                    + version.version()
                    + (deploy.rollout().isPresent()
                        ? "; a first deploy makes the version stable, without a rollout"
                        : ""));
      } else {
        now =
            rollout(
                context, service, existing.get(), version, deploy.rollout().get(), reason, actor);
      }
      outputs.put("deployment", name);
      outputs.put("environment", environment.wireName());
      outputs.put("version", version.version());
      if (previous.isPresent() && previous.get().equals(version.id())) {
        // A retry, or a version deployed before: report the stable version it replaced.
        previous =
            service.history(name).stream()
                .map(r -> r.traffic().stableVersionId())
                .filter(id -> !id.equals(version.id()))
                .findFirst();
      }
      if (previous.isPresent()) {
        registry
            .versionById(previous.get())
            .ifPresent(v -> outputs.put("previous_version", v.version()));
      }
      outputs.put("revision", now.current().number());
      Optional<Candidate> candidate =
          now.current().traffic().candidate().filter(c -> c.versionId().equals(version.id()));
      if (candidate.isPresent()) {
        ObjectNode rollout = outputs.putObject("rollout");
        rollout.put("mode", candidate.get().mode().wireName());
        rollout.put("percent", candidate.get().percent());
      } else {
        outputs.put("rollout", "none");
      }
    } catch (Deployments.Refused e) {
      throw StepFailure.of(e.getMessage(), e);
    }
  }

  private Deployment rollout(
      StepContext context,
      Deployments service,
      Deployment deployment,
      ModelVersion version,
      Step.Rollout rollout,
      String reason,
      Deployments.Actor actor)
      throws StepFailure {
    Traffic traffic = deployment.current().traffic();
    if (traffic.stableVersionId().equals(version.id())) {
      context
          .log()
          .info(
              "version "
                  + version.version()
                  + " is already the stable version of "
                  + deployment.name()
                  + "; no rollout started");
      return deployment;
    }
    if (traffic.candidate().filter(c -> c.versionId().equals(version.id())).isPresent()) {
      context
          .log()
          .info(
              "version "
                  + version.version()
                  + " is already rolling out in "
                  + deployment.name()
                  + " (an earlier attempt started it); kept");
      return deployment;
    }
    Candidate candidate;
    RolloutPolicy policy;
    try {
      candidate =
          new Candidate(
              version.id(),
              RolloutMode.fromWireName(rollout.mode()),
              rollout.percent(),
              rollout.stickyKey());
      policy = policy(rollout.policy());
    } catch (IllegalArgumentException | PipelineException e) {
      throw StepFailure.of("rollout: " + e.getMessage(), e);
    }
    Deployment started =
        service.startRollout(
            context.project(), deployment, version, candidate, policy, reason, actor);
    context
        .log()
        .info(
            "started a "
                + rollout.mode()
                + " rollout of version "
                + version.version()
                + " in "
                + deployment.name()
                + " at "
                + rollout.percent()
                + "%");
    return started;
  }

  /* The policy given, over the server's defaults; as the deployments API reads it. */
  private static RolloutPolicy policy(Step.RolloutPolicy p) {
    RolloutPolicy d = RolloutPolicy.defaults();
    return new RolloutPolicy(
        p.window().map(Durations::parse).orElse(d.window()),
        p.minRequests().orElse(d.minRequests()),
        p.minSuccessRate().orElse(d.minSuccessRate()),
        p.maxP99Millis().orElse(d.maxP99Millis()),
        p.maxQualityDrop().isPresent()
            ? OptionalDouble.of(p.maxQualityDrop().getAsDouble())
            : OptionalDouble.empty(),
        p.qualityMetric(),
        p.failedWindows().orElse(d.failedWindows()),
        p.bake()
            .map(b -> b.trim().matches("0+[smhd]?") ? Duration.ZERO : Durations.parse(b))
            .orElse(d.bake()),
        p.promotion().map(RolloutPolicy.Promotion::fromWireName).orElse(d.promotion()));
  }

  /*
   * The run's user, or for a run a trigger queued, the author of the definition it runs; whether
   * that user may maintain the project is asked of the access store now, as a request would be.
   */
  private Deployments.Actor actor(StepContext context) {
    PipelineRun run = context.run();
    String name = run.createdBy();
    if (run.trigger().kind() != RunTrigger.Kind.MANUAL && run.definitionVersion().isPresent()) {
      name =
          pipelines
              .definition(run.projectId(), run.pipelineName(), run.definitionVersion().getAsInt())
              .map(PipelineDefinition::createdBy)
              .orElse(name);
    }
    boolean maintainer =
        access
            .findPrincipal(name)
            .map(p -> new Authorization(access).can(p, context.project().id(), Action.MAINTAIN))
            .orElse(false);
    return new Deployments.Actor(name, maintainer);
  }
}
