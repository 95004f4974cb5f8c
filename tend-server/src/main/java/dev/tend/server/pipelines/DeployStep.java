package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.pipeline.Step;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code deploy}: points an alias of a registered model (such as {@code production}) at the version
 * an earlier {@code register} step made; the registry's alias history records who and when.
 * Deploying to a serving environment needs the serving component, which this release does not have:
 * such a step fails with that reason. Outputs {@code deployment} ({@code <model>@<alias>}), the
 * version, and the version the alias pointed at before (for a rollback).
 */
final class DeployStep implements StepAction {
  private static final Pattern VERSION = Pattern.compile("([^/]+)/([0-9]+)");

  private final RegistryRepository registry;

  DeployStep(RegistryRepository registry) {
    this.registry = registry;
  }

  @Override
  public Outcome execute(StepContext context) throws StepFailure {
    Step.Deploy deploy = (Step.Deploy) context.step().body();
    String reference = context.bindings().text(deploy.model());
    Matcher m = VERSION.matcher(reference);
    if (!m.matches()) {
      throw StepFailure.of("'" + reference + "' is not a registered model version (<model>/<n>)");
    }
    if (deploy.alias().isEmpty()) {
      throw StepFailure.of(
          "deploying to environment '"
              + deploy.environment().orElse("")
              + "' needs model serving, which this Tend does not provide yet; deploy to an alias");
    }
    String alias = deploy.alias().get();
    RegisteredModel model =
        registry
            .model(context.project().id(), m.group(1))
            .orElseThrow(() -> StepFailure.of("no registered model named '" + m.group(1) + "'"));
    int number = Integer.parseInt(m.group(2));
    if (registry.version(model.id(), number).isEmpty()) {
      throw StepFailure.of("model '" + model.name() + "' has no version " + number);
    }
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
    ObjectNode outputs = RunExecution.object();
    outputs.put("deployment", model.name() + "@" + alias);
    outputs.put("version", number);
    before.ifPresent(v -> outputs.put("previous_version", v.version()));
    return Outcome.of(outputs);
  }
}
