package dev.tend.cli;

import dev.tend.checks.SourceLocation;
import dev.tend.cli.alerts.AlertsCommand;
import dev.tend.cli.alerts.IncidentsCommand;
import dev.tend.cli.automation.AutomationCommand;
import dev.tend.cli.data.DataCommand;
import dev.tend.cli.demo.DemoCommand;
import dev.tend.cli.deploy.DeployCommand;
import dev.tend.cli.deploy.Rollouts;
import dev.tend.cli.monitor.MonitorCommand;
import dev.tend.cli.ops.OpsCommand;
import dev.tend.cli.pipeline.PipelineCommand;
import dev.tend.cli.quality.CheckCommand;
import dev.tend.cli.quality.ProfileCommand;
import dev.tend.cli.quality.SuggestCommand;
import dev.tend.cli.remote.RemoteException;
import dev.tend.cli.server.ProjectCommand;
import dev.tend.cli.server.ServerCommand;
import dev.tend.cli.server.TokenCommand;
import dev.tend.cli.tracking.ExperimentsCommand;
import dev.tend.cli.tracking.LineageCommand;
import dev.tend.cli.tracking.ModelsCommand;
import dev.tend.cli.tracking.RunsCommand;
import dev.tend.expr.ExpressionException;
import dev.tend.history.HistoryException;
import dev.tend.server.config.ConfigException;
import dev.tend.source.DataException;
import dev.tend.suite.SuiteException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code tend} command. */
@Command(
    name = "tend",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Keeps machine-learning models healthy after they ship.",
    subcommands = {
      CheckCommand.class,
      ProfileCommand.class,
      SuggestCommand.class,
      DemoCommand.class,
      ServerCommand.class,
      TokenCommand.class,
      ProjectCommand.class,
      DataCommand.class,
      ExperimentsCommand.class,
      RunsCommand.class,
      ModelsCommand.class,
      LineageCommand.class,
      PipelineCommand.class,
      DeployCommand.class,
      Rollouts.class,
      AlertsCommand.class,
      IncidentsCommand.class,
      MonitorCommand.class,
      AutomationCommand.class,
      OpsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  /** All error-level checks passed (or the command succeeded). */
  public static final int OK = 0;

  /** A check or threshold failed; for {@code data push}, the version was rejected. */
  public static final int CHECK_FAILED = 1;

  /** Bad usage or unreadable input; nothing was written. */
  public static final int USAGE = 2;

  /** A fault inside Tend, or the server failed or could not be reached. */
  public static final int INTERNAL = 3;

  private final Map<String, String> environment;

  private Main(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The environment variables the commands see: the process's, or a test's. */
  Map<String, String> environment() {
    return environment;
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit code; used by tests in-process too. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, System.getenv());
  }

  /**
   * Runs the command line with {@code environment} in place of the process's environment variables
   * for the commands that talk to a server ({@code TEND_URL}, {@code TEND_TOKEN}, {@code
   * TEND_PROJECT}), and returns the exit code.
   */
  public static int run(
      String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
    CommandLine line = new CommandLine(new Main(environment));
    line.setOut(out);
    line.setErr(err);
    line.setExitCodeExceptionMapper(Main::exitCode);
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          err.println("tend: " + message(e));
          if (exitCode(e) == INTERNAL && System.getenv("TEND_DEBUG") != null) {
            e.printStackTrace(err);
          }
          err.flush();
          return exitCode(e);
        });
    line.setParameterExceptionHandler(
        (e, args2) -> {
          err.println("tend: " + e.getMessage());
          e.getCommandLine().usage(err);
          err.flush();
          return USAGE;
        });
    int code = line.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static int exitCode(Throwable e) {
    return switch (e) {
      case SuiteException s -> USAGE;
      case DataException d -> USAGE;
      case ExpressionException x -> USAGE;
      case HistoryException h -> USAGE;
      case UsageException u -> USAGE;
      case ConfigException c -> USAGE;
      case UncheckedIOException u -> USAGE;
      case RemoteException r -> r.exitCode();
      default -> INTERNAL;
    };
  }

  static String message(Throwable e) {
    return switch (e) {
      case SuiteException s -> s.describe();
      case ExpressionException x -> x.describe();
      case UncheckedIOException u -> u.getCause().getMessage();
      case DataException d -> d.getMessage();
      case HistoryException h -> h.getMessage();
      case UsageException u -> u.getMessage();
      case ConfigException c -> c.getMessage();
      case RemoteException r -> r.getMessage();
      default ->
          "internal error: " + e + " (set TEND_DEBUG=1 for the stack trace, and please report it)";
    };
  }

  /** Wrong use of the command that picocli cannot see: conflicting or missing options. */
  public static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }

    public UsageException(SourceLocation at, String message) {
      super(at + ": " + message);
    }
  }

  /** Prints the version of this build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"tend " + (version == null ? "development build" : version)};
    }
  }
}
