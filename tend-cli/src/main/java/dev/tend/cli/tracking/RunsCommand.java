package dev.tend.cli.tracking;

import picocli.CommandLine.Command;

/**
 * {@code tend runs}: the runs MLflow clients logged to a Tend server, read through MLflow's REST
 * API: search them, show one, compare a few side by side.
 */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "Tracked runs on a Tend server ($TEND_URL, $TEND_TOKEN): list, show, compare.",
    subcommands = {RunsListCommand.class, RunsShowCommand.class, RunsCompareCommand.class})
public final class RunsCommand {
  private RunsCommand() {}
}
