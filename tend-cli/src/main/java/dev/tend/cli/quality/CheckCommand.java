package dev.tend.cli.quality;

import dev.tend.checks.Suite;
import dev.tend.checks.SuiteReport;
import dev.tend.cli.EngineSettings;
import dev.tend.cli.HistoryFiles;
import dev.tend.cli.Main;
import dev.tend.cli.Output;
import dev.tend.cli.Progress;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.SplitResult;
import dev.tend.expr.Expr;
import dev.tend.report.CheckReportJson;
import dev.tend.report.CheckReportJunit;
import dev.tend.report.CheckReportTable;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import dev.tend.suite.RunOptions;
import dev.tend.suite.SuiteParser;
import dev.tend.suite.SuiteRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend check}: runs a suite on a dataset and reports; exit 1 when an error-level check
 * fails.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a dataset against a suite of data-quality checks.",
      "Exit codes: 0 all error-level checks and thresholds pass, 1 a check or threshold failed,"
          + " 2 bad usage or unreadable input (nothing is written)."
    })
public final class CheckCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DATA",
      description = "File, folder or glob.")
  String data;

  @Option(
      names = "--suite",
      required = true,
      paramLabel = "SUITE",
      description = "Suite file (YAML).")
  Path suite;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table (default), json or junit.")
  OutputFormat format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report here instead of standard output.")
  Path output;

  @Option(
      names = "--split",
      arity = "2",
      paramLabel = "FILE",
      description =
          "Write rows passing all row-level checks to the first file, failing rows to the second (csv, parquet, json or jsonl by extension).")
  List<Path> split;

  @Option(
      names = "--sample",
      paramLabel = "N",
      defaultValue = "5",
      description = "Failing rows to show per failing check (default 5).")
  int sample;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description = "Name the metric history is kept under (default: the data location).")
  String datasetName;

  @Option(
      names = "--history-dir",
      paramLabel = "DIR",
      description = "Folder of the metric history (default .tend).")
  Path historyDir;

  @Option(names = "--no-history", description = "Neither read nor record metric history.")
  boolean noHistory;

  @Option(
      names = "--as-of",
      paramLabel = "INSTANT",
      description = "Judge freshness as of this instant (ISO-8601) instead of now.")
  String asOf;

  @Mixin SourceOptions source;

  @Mixin EngineSettings engineSettings;

  @Override
  public Integer call() {
    if (sample < 0) {
      throw new Main.UsageException("--sample must not be negative");
    }
    Instant now = parseInstant(asOf);
    if (split != null) {
      for (Path file : split) {
        requireWritable(file);
        requireSplitFormat(file);
      }
      if (split.get(0).toAbsolutePath().equals(split.get(1).toAbsolutePath())) {
        throw new Main.UsageException("--split needs two different files");
      }
    }
    if (output != null) {
      requireWritable(output);
    }
    Suite parsed = SuiteParser.read(suite);
    DataSource resolved = source.resolve(Optional.ofNullable(data));
    String label = resolved.describe();
    String historyKey = datasetName != null ? datasetName : HistoryFiles.datasetKey(resolved);
    Path historyFile = HistoryFiles.file(historyDir);

    try (Engine engine = engineSettings.engine();
        Progress progress = Progress.start(spec.commandLine().getErr(), "checking " + label);
        Dataset dataset = engine.open(resolved);
        HistoryFiles.Reader history =
            HistoryFiles.reader(noHistory ? null : historyFile, historyKey)) {
      progress.track(dataset);
      RunOptions options =
          RunOptions.defaults()
              .withSampleSize(sample)
              .withNow(now)
              .withHistory(history::recent)
              .withReferenceProfile(new References(engine, suite)::profile);
      SuiteRunner.Run run = SuiteRunner.run(parsed, dataset, label, options);
      progress.done();
      SuiteReport report = run.report();
      if (split != null) {
        Optional<Expr> invalid = SuiteRunner.invalidRows(parsed, dataset);
        SplitResult counts =
            dataset.split(invalid.orElse(Expr.literal(Boolean.FALSE)), split.get(0), split.get(1));
        spec.commandLine()
            .getErr()
            .printf(
                "split: %,d valid rows to %s, %,d invalid rows to %s%n",
                counts.validRows(), split.get(0), counts.invalidRows(), split.get(1));
      }
      Output.write(spec.commandLine().getOut(), output, render(report));
      if (!noHistory) {
        HistoryFiles.record(historyFile, historyKey, run.metrics(), Instant.now());
      }
      return report.passed() ? Main.OK : Main.CHECK_FAILED;
    }
  }

  private String render(SuiteReport report) {
    return switch (format) {
      case table -> CheckReportTable.render(report);
      case json -> CheckReportJson.render(report);
      case junit -> CheckReportJunit.render(report);
    };
  }

  static Instant parseInstant(String text) {
    if (text == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return java.time.LocalDateTime.parse(text).toInstant(java.time.ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        try {
          return java.time.LocalDate.parse(text).atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
        } catch (DateTimeParseException e3) {
          throw new Main.UsageException(
              "--as-of takes an ISO-8601 date or instant such as 2001-02-01 or 2001-02-01T00:00:00Z, got '"
                  + text
                  + "'");
        }
      }
    }
  }

  static void requireWritable(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new Main.UsageException("folder of " + file + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new Main.UsageException(file + " is a folder, not a file");
    }
  }

  static void requireSplitFormat(Path file) {
    if (Format.fromFileName(file.getFileName().toString()).isEmpty()) {
      throw new Main.UsageException(file + ": use a .csv, .parquet, .json or .jsonl file");
    }
  }

  /** Report formats. */
  enum OutputFormat {
    table,
    json,
    junit
  }
}
