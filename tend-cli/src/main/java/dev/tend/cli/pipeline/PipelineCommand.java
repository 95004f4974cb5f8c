package dev.tend.cli.pipeline;

import picocli.CommandLine.Command;

/**
 * {@code tend pipeline}: pipelines on a Tend server: run a local file or a stored pipeline, store
 * one so its triggers fire, and follow, inspect and cancel runs.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description =
        "Pipelines on a Tend server ($TEND_URL, $TEND_TOKEN, $TEND_PROJECT): run, apply, list,"
            + " runs, show, logs, cancel.",
    subcommands = {
      PipelineRunCommand.class,
      PipelineCommands.Apply.class,
      PipelineCommands.ListPipelines.class,
      PipelineCommands.Runs.class,
      PipelineCommands.Show.class,
      PipelineCommands.Logs.class,
      PipelineCommands.Cancel.class
    })
public final class PipelineCommand {
  private PipelineCommand() {}
}
