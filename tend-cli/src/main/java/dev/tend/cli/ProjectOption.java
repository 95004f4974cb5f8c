package dev.tend.cli;

import dev.tend.projects.ProjectRepository;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The project a dataset command works in: {@code --project}, else $TEND_PROJECT, else default. */
public final class ProjectOption {
  static final String VARIABLE = "TEND_PROJECT";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--project",
      paramLabel = "NAME",
      description =
          "Project (default: $TEND_PROJECT, else " + ProjectRepository.DEFAULT_PROJECT + ").")
  String project;

  public String name() {
    return Connection.setting(
        Connection.environment(mixee), project, VARIABLE, ProjectRepository.DEFAULT_PROJECT);
  }
}
