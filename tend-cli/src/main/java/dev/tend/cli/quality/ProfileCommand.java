package dev.tend.cli.quality;

import dev.tend.cli.EngineSettings;
import dev.tend.cli.Main;
import dev.tend.cli.Output;
import dev.tend.cli.Progress;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profiling.Profiler;
import dev.tend.report.ProfileReport;
import dev.tend.source.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend profile}: per-column statistics from mergeable sketches. */
@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    description = {
      "Profiles a dataset: per column the type, count, missing values, approximate distinct count,"
          + " min, max, mean, stddev, quantiles, histogram, most frequent values and text lengths.",
      "--save keeps the mergeable profile (binary, versioned); --merge combines saved profiles."
    })
public final class ProfileCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DATA",
      description = "File, folder or glob.")
  String data;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table (default) or json.")
  Format format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report here instead of standard output.")
  Path output;

  @Option(
      names = "--columns",
      split = ",",
      paramLabel = "NAME",
      description = "Profile only these columns.")
  List<String> columns;

  @Option(
      names = "--save",
      paramLabel = "FILE",
      description = "Also save the mergeable profile to FILE.")
  Path save;

  @Option(
      names = "--merge",
      arity = "1..*",
      paramLabel = "FILE",
      description = "Merge saved profiles instead of reading data.")
  List<Path> merge;

  @Mixin SourceOptions source;

  @Mixin EngineSettings engineSettings;

  @Override
  public Integer call() {
    if (output != null) {
      CheckCommand.requireWritable(output);
    }
    if (save != null) {
      CheckCommand.requireWritable(save);
    }
    long start = System.nanoTime();
    DatasetProfile profile;
    if (merge != null) {
      if (data != null) {
        throw new Main.UsageException("give either DATA or --merge, not both");
      }
      profile = merged(merge);
    } else {
      DataSource resolved = source.resolve(Optional.ofNullable(data));
      try (Engine engine = engineSettings.engine();
          Progress progress =
              Progress.start(spec.commandLine().getErr(), "profiling " + resolved.describe());
          Dataset dataset = engine.open(resolved)) {
        progress.track(dataset);
        List<String> names = columns == null ? dataset.schema().names() : columns;
        for (String name : names) {
          if (!dataset.schema().has(name)) {
            throw new Main.UsageException(
                "no column '"
                    + name
                    + "' in "
                    + resolved.describe()
                    + " (columns: "
                    + String.join(", ", dataset.schema().names())
                    + ")");
          }
        }
        profile = Profiler.profile(dataset, names, resolved.describe(), ProfileOptions.DEFAULTS);
        progress.done();
      }
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    String text =
        format == Format.json
            ? ProfileReport.json(profile, elapsed)
            : ProfileReport.table(profile, elapsed);
    if (save != null) {
      try {
        Files.write(save, profile.toBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(
            new IOException("cannot write " + save + ": " + e.getMessage(), e));
      }
    }
    Output.write(spec.commandLine().getOut(), output, text);
    return Main.OK;
  }

  private static DatasetProfile merged(List<Path> files) {
    List<DatasetProfile> profiles = new ArrayList<>();
    for (Path file : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new Main.UsageException("cannot read profile " + file + ": " + e.getMessage());
      }
      try {
        profiles.add(DatasetProfile.fromBytes(bytes));
      } catch (RuntimeException e) {
        throw new Main.UsageException(file + " is not a Tend profile: " + e.getMessage());
      }
    }
    DatasetProfile result = profiles.get(0);
    for (int i = 1; i < profiles.size(); i++) {
      try {
        result = result.merge(profiles.get(i));
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("cannot merge " + files.get(i) + ": " + e.getMessage());
      }
    }
    return result;
  }

  /** Report formats. */
  enum Format {
    table,
    json
  }
}
