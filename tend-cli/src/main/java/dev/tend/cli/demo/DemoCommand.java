package dev.tend.cli.demo;

import dev.tend.checks.Suite;
import dev.tend.checks.SuiteReport;
import dev.tend.cli.EngineSettings;
import dev.tend.cli.HistoryFiles;
import dev.tend.cli.LocalServer;
import dev.tend.cli.Main;
import dev.tend.cli.Output;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profiling.Profiler;
import dev.tend.report.CheckReportTable;
import dev.tend.report.ProfileReport;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.config.TendConfigLoader;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import dev.tend.suggest.Suggester;
import dev.tend.suite.RunOptions;
import dev.tend.suite.SuiteParser;
import dev.tend.suite.SuiteRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tend demo}: the flagship scenario on real data, as far as Tend goes today. January 2001 of
 * the US flights data is profiled and checked against the example suite; then a February batch with
 * a broken feed (a burst of missing origins, distances in kilometres) is stopped by the same suite,
 * with the failing rows shown. Then Tend starts with its embedded defaults and the same months are
 * pushed as dataset versions through the {@code tend data} commands. Once January is version 1 and
 * production, the flagship pipeline ({@code examples/flights/pipeline.yaml}) trains, evaluates,
 * gates, registers and deploys {@code flight-delays} on it: alias {@code production}, and the
 * {@code dev} serving deployment {@code flight-delays-dev}. February is accepted, the broken feed
 * is kept as rejected and no alias moves to it.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Runs the flagship scenario on ../shared/data/flights-3m.parquet.")
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
      description = "Where the demo keeps its batches and history (default: .tend/demo).")
  Path workDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path home =
        Path.of(System.getenv().getOrDefault("TEND_HOME", ".")).toAbsolutePath().normalize();
    Path flights = DemoData.locate(sampleData, home).resolve(FLIGHTS);
    Path work = workDir != null ? workDir : home.resolve(".tend/demo");
    Path suiteFile = home.resolve("examples/flights/suite.yaml");
    Path pipelineFile = home.resolve("examples/flights/pipeline.yaml");
    for (Path example : new Path[] {suiteFile, pipelineFile}) {
      if (!Files.isRegularFile(example)) {
        throw new Main.UsageException(
            "example not found at " + example + "; run the demo from the Tend repository");
      }
    }
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException(
          new IOException("cannot create " + work + ": " + e.getMessage(), e));
    }
    Path january = work.resolve("flights-2001-01.parquet");
    Path february = work.resolve("flights-2001-02.parquet");
    Path broken = work.resolve("flights-2001-02-broken-feed.parquet");
    Suite suite = SuiteParser.read(suiteFile);
    Path history = work.resolve("history");
    DemoData.deleteHistory(history);

    try (Engine engine = new EngineSettings().engine()) {
      section(out, "1. Slicing January 2001 out of " + flights);
      DemoData.slice(engine, flights, work, january, february, broken);
      out.printf(
          "   January: %s%n   February: %s%n   February with a broken feed: %s%n%n",
          january, february, broken);

      section(out, "2. Profiling January (mergeable sketches: KLL, HLL, frequent items)");
      DataSource januarySource = DataSource.Files.of(january, Format.PARQUET);
      long start = System.nanoTime();
      try (Dataset dataset = engine.open(januarySource)) {
        DatasetProfile profile =
            Profiler.profile(dataset, january.getFileName().toString(), ProfileOptions.DEFAULTS);
        out.print(ProfileReport.table(profile, Duration.ofNanos(System.nanoTime() - start)));
      }
      out.println();

      section(out, "3. Checking January against " + home.relativize(suiteFile));
      SuiteReport januaryReport =
          check(engine, suite, january, Instant.parse("2001-02-01T00:00:00Z"), history);
      out.print(CheckReportTable.render(januaryReport));
      out.println();

      section(out, "4. Checking February: real month-to-month change, same suite");
      SuiteReport februaryReport =
          check(engine, suite, february, Instant.parse("2001-03-01T00:00:00Z"), history);
      out.print(CheckReportTable.render(februaryReport));
      out.println();

      section(out, "5. A broken feed: February with missing origins for a day and distances in km");
      SuiteReport brokenReport =
          check(engine, suite, broken, Instant.parse("2001-03-01T00:00:00Z"), null);
      out.print(CheckReportTable.render(brokenReport));
      out.println();

      section(
          out, "6. Suggesting a suite from January alone, and checking the broken feed with it");
      Path suggestedFile = work.resolve("suggested-suite.yaml");
      Instant januaryEnd = Instant.parse("2001-02-01T00:00:00Z");
      Suggester.Suggestion suggestion;
      try (Dataset dataset = engine.open(januarySource)) {
        DatasetProfile profile =
            Profiler.profile(dataset, january.getFileName().toString(), ProfileOptions.DEFAULTS);
        suggestion =
            Suggester.suggest(
                dataset,
                profile,
                "flights-suggested",
                january.getFileName().toString(),
                januaryEnd);
      }
      Output.write(out, suggestedFile, suggestion.yaml());
      out.printf(
          "   %d checks suggested, each with its evidence, in %s%n",
          suggestion.checks().size(), home.relativize(suggestedFile.toAbsolutePath()));
      Suite suggested = SuiteParser.read(suggestedFile);
      SuiteReport suggestedReport =
          check(engine, suggested, broken, Instant.parse("2001-03-01T00:00:00Z"), null);
      suggestedReport.results().stream()
          .filter(r -> !r.passed())
          .forEach(r -> out.printf("   FAIL  %-28s %s%n", r.check().name(), r.observed()));
      out.println();

      boolean versioned =
          versionOnServer(out, home, work, suiteFile, pipelineFile, january, february, broken);

      boolean asExpected =
          januaryReport.passed()
              && februaryReport.passed()
              && !brokenReport.passed()
              && !suggestedReport.passed()
              && versioned;
      out.println(
          asExpected
              ? "Demo complete: the clean months pass the quality gate and are versioned; the"
                  + " pipeline trained flight-delays on January, made it production and serves it in"
                  + " dev;"
                  + " the broken feed is stopped and kept as a rejected version; production"
                  + " stays on January."
              : "Demo finished, but not as expected: see the reports above.");
      out.println(
          "Try it yourself: ./tend check "
              + home.relativize(broken)
              + " --suite "
              + home.relativize(suiteFile)
              + " --format json");
      return asExpected ? Main.OK : Main.CHECK_FAILED;
    }
  }

  /**
   * Steps 7 to 13: starts Tend with its embedded defaults and drives it through the same {@code
   * tend data}, {@code tend pipeline} and {@code tend models} commands a user types, over the HTTP
   * API. Returns whether every command ended as the scenario expects.
   */
  private boolean versionOnServer(
      PrintWriter out,
      Path home,
      Path work,
      Path suiteFile,
      Path pipelineFile,
      Path january,
      Path february,
      Path broken) {
    Path serverDir = work.resolve("server");
    DemoData.deleteTree(serverDir);
    // The server's request log would bury the commands' output; warnings still show.
    System.setProperty("org.slf4j.simpleLogger.log.dev.tend.server", "warn");
    section(
        out,
        "7. Starting Tend with embedded defaults (SQLite metadata, local artifacts) in "
            + home.relativize(serverDir.toAbsolutePath()));
    TendConfig settings =
        TendConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                TendConfigLoader.SERVER_PORT,
                "0",
                TendConfigLoader.DATA_DIR,
                serverDir.toString()));
    try (LocalServer server = LocalServer.start(settings, Optional.empty())) {
      String token = server.bootstrap().orElseThrow().plainText();
      out.println("   Tend server " + TendServer.version() + " on " + server.uri());
      out.println();
      Map<String, String> environment =
          Map.of("TEND_URL", server.uri().toString(), "TEND_TOKEN", token);
      PrintWriter err = spec.commandLine().getErr();
      String suite = home.relativize(suiteFile).toString();
      String[] months = {home.relativize(january).toString(), home.relativize(february).toString()};
      String brokenFeed = home.relativize(broken).toString();

      section(out, "8. A dataset whose versions must pass the example suite");
      boolean ok =
          tend(out, err, environment, Main.OK, "data", "create", "flights", "--suite", suite);

      section(out, "9. January pushed: profiled, checked, versioned; production = v1");
      ok &= tend(out, err, environment, Main.OK, "data", "push", "flights", months[0]);
      ok &=
          tend(
              out,
              err,
              environment,
              Main.OK,
              "data",
              "alias",
              "flights",
              "production",
              "1",
              "--reason",
              "January is the training month of the flagship model");

      section(
          out,
          "10. The flagship pipeline on January: validate, train, evaluate, gate, register,"
              + " deploy to production and to dev serving");
      ok &=
          tend(
              out,
              err,
              environment,
              Main.OK,
              "pipeline",
              "run",
              home.relativize(pipelineFile).toString(),
              "--wait");
      ok &= tend(out, err, environment, Main.OK, "models", "versions", "flight-delays");
      ok &= tend(out, err, environment, Main.OK, "rollout", "status");

      section(out, "11. February pushed: accepted, production stays on January");
      ok &= tend(out, err, environment, Main.OK, "data", "push", "flights", months[1]);

      section(out, "12. The broken feed is pushed: kept as rejected, no alias moves (exit 1)");
      ok &= tend(out, err, environment, Main.CHECK_FAILED, "data", "push", "flights", brokenFeed);
      ok &= tend(out, err, environment, Main.OK, "data", "log", "flights");

      section(out, "13. What changed from January to February, and what the broken feed broke");
      ok &= tend(out, err, environment, Main.OK, "data", "diff", "flights@1", "flights@2");
      ok &= tend(out, err, environment, Main.OK, "data", "diff", "flights@2", "flights@3");
      return ok;
    }
  }

  /** Runs one {@code tend} command line as a user would type it, and checks its exit code. */
  private static boolean tend(
      PrintWriter out,
      PrintWriter err,
      Map<String, String> environment,
      int expected,
      String... args) {
    out.println("$ tend " + String.join(" ", args));
    out.flush();
    int code = Main.run(args, out, err, environment);
    out.println();
    if (code != expected) {
      out.printf("   (exit code %d, expected %d)%n%n", code, expected);
    }
    return code == expected;
  }

  private static SuiteReport check(
      Engine engine, Suite suite, Path file, Instant asOf, Path historyDir) {
    try (Dataset dataset = engine.open(DataSource.Files.of(file, Format.PARQUET))) {
      RunOptions options = RunOptions.defaults().withNow(asOf);
      if (historyDir == null) {
        return SuiteRunner.run(suite, dataset, file.getFileName().toString(), options).report();
      }
      Path historyFile = HistoryFiles.file(historyDir);
      String key = "demo/flights";
      SuiteRunner.Run run;
      try (HistoryFiles.Reader history = HistoryFiles.reader(historyFile, key)) {
        run =
            SuiteRunner.run(
                suite,
                dataset,
                file.getFileName().toString(),
                options.withHistory(history::recent));
      }
      HistoryFiles.record(historyFile, key, run.metrics(), Instant.now());
      return run.report();
    }
  }

  private static void section(PrintWriter out, String title) {
    out.println("== " + title);
    out.flush();
  }
}
