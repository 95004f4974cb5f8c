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
import dev.tend.source.DataSource;
import dev.tend.suggest.Suggester;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend suggest}: proposes a suite from known-good data, with the evidence of each check. */
@Command(
    name = "suggest",
    mixinStandardHelpOptions = true,
    description = {
      "Suggests a check suite from known-good data: types, completeness, ranges with margins,"
          + " categorical domains, text shapes, keys, row count and timeliness, each with its"
          + " evidence. The suggestion passes on its source: checks that would fail there are left"
          + " out and listed."
    })
public final class SuggestCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DATA",
      description = "File, folder or glob of known-good data.")
  String data;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the suite here (default: standard output).")
  Path out;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Suite name (default: from --out or the data).")
  String name;

  @Option(
      names = "--as-of",
      paramLabel = "INSTANT",
      description = "Judge freshness as of this instant instead of now.")
  String asOf;

  @Mixin SourceOptions source;

  @Mixin EngineSettings engineSettings;

  @Override
  public Integer call() {
    if (out != null) {
      CheckCommand.requireWritable(out);
    }
    java.time.Instant now = CheckCommand.parseInstant(asOf);
    DataSource resolved = source.resolve(Optional.ofNullable(data));
    String suiteName = name != null ? name : defaultName(resolved);
    Suggester.Suggestion suggestion;
    try (Engine engine = engineSettings.engine();
        Progress progress =
            Progress.start(spec.commandLine().getErr(), "profiling " + resolved.describe());
        Dataset dataset = engine.open(resolved)) {
      progress.track(dataset);
      DatasetProfile profile =
          Profiler.profile(dataset, resolved.describe(), ProfileOptions.DEFAULTS);
      suggestion = Suggester.suggest(dataset, profile, suiteName, resolved.describe(), now);
      progress.done();
    }
    Output.write(spec.commandLine().getOut(), out, suggestion.yaml());
    var err = spec.commandLine().getErr();
    err.printf(
        "suggested %d checks%s%n", suggestion.checks().size(), out == null ? "" : " in " + out);
    for (String left : suggestion.leftOut()) {
      err.println("left out (fails on the source): " + left);
    }
    return Main.OK;
  }

  private String defaultName(DataSource resolved) {
    if (out != null) {
      return out.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
    }
    String described = resolved.describe();
    String last = described.substring(described.lastIndexOf('/') + 1);
    return last.replaceFirst("\\.[^.]*$", "").replaceAll("[^A-Za-z0-9_-]", "_");
  }
}
