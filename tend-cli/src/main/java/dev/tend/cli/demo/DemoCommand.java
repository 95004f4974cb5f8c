package dev.tend.cli.demo;

import dev.tend.cli.FormatOption;
import dev.tend.cli.LocalServer;
import dev.tend.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tend demo}: the flagship scenario on real data (see {@link FlagshipScenario}). By default
 * it keeps the server running at the end for a look around, until Ctrl-C; {@code --headless} exits
 * with a summary and a non-zero code when the loop did not close; {@code --quick} is the shortened
 * form the end-to-end test runs.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the flagship scenario on ../shared/data/flights-3m.parquet: January trains and deploys"
          + " flight-delays, February to June are replayed as live traffic in compressed time"
          + " (one week per monitor window) with labels a window late, a broken feed is caught,"
          + " drift triggers a retrain, a gate, a canary and a promotion.",
      "Without --headless the server keeps running at the end until Ctrl-C."
    })
public final class DemoCommand implements Callable<Integer> {
  static final String FLIGHTS = "flights-3m.parquet";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--sample-data",
      paramLabel = "DIR",
      description =
          "Folder holding flights-3m.parquet (default: $TEND_SAMPLE_DATA, else ../shared/data).")
  Path sampleData;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where the demo keeps its slices and its server's data (default: .tend/demo).")
  Path workDir;

  @Option(
      names = "--headless",
      description =
          "Do not wait at the end: print the summary, exit 1 when the loop did not close.")
  boolean headless;

  @Option(
      names = "--quick",
      description =
          "The shortened scenario of the end-to-end test: a sample of January trains, 5% of each"
              + " week up to mid-May, 4 s windows.")
  boolean quick;

  @Option(
      names = "--window",
      paramLabel = "SECONDS",
      description = "Real seconds per simulated week, the monitor window (default: 8; --quick 4).")
  Integer window;

  @Option(
      names = "--sample",
      paramLabel = "SHARE",
      description = "Share of each week's flights replayed (default: 0.15; --quick 0.05).")
  Double sample;

  @Option(
      names = "--weeks",
      paramLabel = "N",
      description = "Weeks replayed from February 1st, 4 to 21 (default: 21; --quick 16).")
  Integer weeks;

  @Option(
      names = "--january",
      paramLabel = "SHARE",
      description =
          "Share of January pushed as version 1 and trained on (default: 1; --quick 0.3).")
  Double january;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "The server's port (default: any free port).")
  int port;

  @Option(
      names = "--json",
      description = "Print the summary as JSON on standard output, the progress on standard error.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home =
        Path.of(System.getenv().getOrDefault("TEND_HOME", ".")).toAbsolutePath().normalize();
    Path flights = DemoData.locate(sampleData, home).resolve(FLIGHTS);
    Path work = (workDir != null ? workDir : home.resolve(".tend/demo")).toAbsolutePath();
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException(
          new IOException("cannot create " + work + ": " + e.getMessage(), e));
    }
    DemoSettings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    // With --json, standard output holds only the summary; the progress goes to standard error.
    PrintWriter progress = json ? err : out;
    FlagshipScenario scenario = new FlagshipScenario(settings, home, work, progress, err);
    FlagshipScenario.Outcome outcome = scenario.run(flights, !headless);
    if (json) {
      FormatOption.print(out, outcome.summary().json());
    } else {
      outcome.summary().print(out);
    }
    if (outcome.server().isPresent()) {
      waitForInterrupt(progress, outcome.server().get(), outcome.token());
    }
    return outcome.summary().closed() ? Main.OK : Main.CHECK_FAILED;
  }

  private DemoSettings settings() {
    DemoSettings base = quick ? DemoSettings.QUICK : DemoSettings.FULL;
    return new DemoSettings(
        sample != null ? sample : base.sample(),
        window != null ? Duration.ofSeconds(window) : base.window(),
        base.brokenWeek(),
        january != null ? january : base.januaryFraction(),
        weeks != null ? weeks - 1 : base.lastWeek(),
        port);
  }

  /** Keeps the server up for a look around until Ctrl-C, which stops it cleanly. */
  private static void waitForInterrupt(PrintWriter out, LocalServer server, String token)
      throws InterruptedException {
    String url = server.uri().toString().replaceAll("/$", "");
    out.println();
    out.println("Tend is still running on " + url + " (Ctrl-C stops it). Have a look:");
    out.println("  in a browser: " + url + "/ and sign in with the token " + token);
    String project = url + "/projects/" + FlagshipScenario.PROJECT;
    out.println("    " + project + "/monitoring/" + FlagshipScenario.DEPLOYMENT);
    out.println("    " + project + "/alerts");
    out.println("    " + project + "/automation");
    out.println("    " + project + "/operations");
    out.println("  the API:");
    out.println("  " + url + "/api/v1/projects/default/alerts");
    out.println("  " + url + "/api/v1/projects/default/incidents");
    out.println("  " + url + "/api/v1/projects/default/automation/actions");
    out.println(
        "  " + url + "/api/v1/projects/default/deployments/flight-delays-dev/monitor/windows");
    out.println("  " + url + "/api/v1/projects/default/deployments/flight-delays-dev/history");
    out.println("  " + url + "/metrics");
    out.println("  or the CLI: export TEND_URL=" + url + " TEND_TOKEN=" + token);
    out.println(
        "              ./tend incidents; ./tend automation actions; ./tend monitor show "
            + FlagshipScenario.DEPLOYMENT);
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              server.close();
              stopped.countDown();
            },
            "tend-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
  }
}
