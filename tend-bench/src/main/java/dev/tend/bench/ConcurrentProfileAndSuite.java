package dev.tend.bench;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.Suite;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profiling.Profiler;
import dev.tend.source.DataSource;
import dev.tend.suite.RunOptions;
import dev.tend.suite.SuiteRunner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * Profile and suite run at once: each on its own dataset (so its own DuckDB connection of one
 * engine), the profile scan on {@code executor} while the caller's thread runs the suite. The two
 * scans share DuckDB's worker pool; what overlaps is the Java side of each (the profile's sketch
 * updates, the suite's evaluation and samples) with the other's scan. Candidate to port into the
 * CLI; here only to measure.
 */
final class ConcurrentProfileAndSuite {
  private ConcurrentProfileAndSuite() {}

  record Result(DatasetProfile profile, SuiteRunner.Run run) {
    Result {
      requireNonNull(profile, "profile is null");
      requireNonNull(run, "run is null");
    }
  }

  static Result run(
      Engine engine,
      DataSource source,
      Suite suite,
      String label,
      RunOptions options,
      ExecutorService executor) {
    CompletableFuture<DatasetProfile> profile =
        CompletableFuture.supplyAsync(
            () -> {
              try (Dataset dataset = engine.open(source)) {
                return Profiler.profile(dataset, label, ProfileOptions.DEFAULTS);
              }
            },
            executor);
    SuiteRunner.Run run;
    try (Dataset dataset = engine.open(source)) {
      run = SuiteRunner.run(suite, dataset, label, options);
    } catch (RuntimeException e) {
      profile.cancel(true);
      throw e;
    }
    try {
      return new Result(profile.join(), run);
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
