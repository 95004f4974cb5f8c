package dev.tend.bench;

import dev.tend.checks.CheckResult;
import dev.tend.checks.Suite;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.EngineOptions;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profiling.Profiler;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import dev.tend.suite.RunOptions;
import dev.tend.suite.SuiteParser;
import dev.tend.suite.SuiteRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.duckdb.DuckDBConnection;

/**
 * Times Tend's profile of every column plus the flights suite against one hand-written DuckDB
 * aggregate that computes the same exact statistics and check counts, measured in the same run with
 * the variants interleaved, and prints medians and ratios to that baseline. Also times the
 * alternative profile strategies (raw values streamed by row range on several threads; profile and
 * suite at once on two connections).
 *
 * <p>Usage: {@code ProfileAndChecksBenchmark [--data FILE] [--suite FILE] [--warmup N] [--reps N]
 * [--threads N]}
 */
public final class ProfileAndChecksBenchmark {
  private static final String BASELINE = "a baseline: hand-written SQL";
  private static final String TEND = "b tend: profile + suite";
  private static final String SUITE = "c tend: suite only";
  private static final String PROFILE = "d tend: profile only (GROUPING SETS)";
  private static final String RAW_N = "e profile: raw values, %d threads";
  private static final String RAW_1 = "f profile: raw values, 1 thread";
  private static final String CONCURRENT = "g tend: profile || suite, 2 conns";
  private static final String PROFILE_FIRST = "h tend: profile, suite w/o quantile";
  private static final String NO_QUANTILES = "i baseline without approx_quantile";

  private static final String QUANTILES = "[0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]";

  private ProfileAndChecksBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = Flags.parse(args);
    Path data = Path.of(flags.getOrDefault("data", "/work/shared/data/flights-3m.parquet"));
    Path suitePath = Path.of(flags.getOrDefault("suite", "examples/flights/suite.yaml"));
    int warmup = Integer.parseInt(flags.getOrDefault("warmup", "2"));
    int reps = Integer.parseInt(flags.getOrDefault("reps", "5"));
    int threads =
        Integer.parseInt(
            flags.getOrDefault(
                "threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
    if (!Files.isRegularFile(data)) {
      throw new IllegalArgumentException("no data file " + data + "; pass --data FILE");
    }
    Suite suite = SuiteParser.read(suitePath);
    DataSource source = DataSource.Files.of(data, Format.PARQUET);
    String label = data.getFileName().toString();
    // A fixed "now" keeps the freshness check's outcome, and so the samples it fetches, stable.
    RunOptions runOptions =
        RunOptions.defaults().withNow(Instant.parse("2001-07-02T00:00:00Z")).withSampleSize(5);
    String rawN = String.format(Locale.ROOT, RAW_N, threads);

    System.out.printf(
        Locale.ROOT,
        "ProfileAndChecksBenchmark: %s, suite %s (%d checks), %d warm-up + %d measured"
            + " repetitions, %d DuckDB threads, %d processors, java %s%n",
        data,
        suitePath,
        suite.checks().size(),
        warmup,
        reps,
        threads,
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());

    ExecutorService executor = Executors.newCachedThreadPool();
    try (Engine engine = DuckDbEngines.create(EngineOptions.defaults().withThreads(threads));
        DuckDBConnection baseline = duckDb(threads);
        DuckDBConnection raw = duckDb(threads)) {
      String baselineSql = baselineSql(data, true);
      String noQuantilesSql = baselineSql(data, false);
      Map<String, Runnable> variants = new LinkedHashMap<>();
      variants.put(BASELINE, () -> runBaseline(baseline, baselineSql));
      variants.put(
          TEND,
          () -> {
            try (Dataset dataset = engine.open(source)) {
              Profiler.profile(dataset, label, ProfileOptions.DEFAULTS);
              SuiteRunner.run(suite, dataset, label, runOptions);
            }
          });
      variants.put(
          SUITE,
          () -> {
            try (Dataset dataset = engine.open(source)) {
              SuiteRunner.run(suite, dataset, label, runOptions);
            }
          });
      variants.put(
          PROFILE,
          () -> {
            try (Dataset dataset = engine.open(source)) {
              Profiler.profile(dataset, label, ProfileOptions.DEFAULTS);
            }
          });
      variants.put(rawN, () -> rawProfile(engine, source, raw, data, threads));
      variants.put(RAW_1, () -> rawProfile(engine, source, raw, data, 1));
      variants.put(
          CONCURRENT,
          () -> ConcurrentProfileAndSuite.run(engine, source, suite, label, runOptions, executor));

      variants.put(
          PROFILE_FIRST,
          () -> {
            try (Dataset dataset = engine.open(source)) {
              ProfileFirstSuite.run(dataset, suite, label, runOptions);
            }
          });
      variants.put(NO_QUANTILES, () -> runBaseline(baseline, noQuantilesSql));

      describeOnce(engine, source, suite, label, runOptions, baseline, baselineSql, raw, data);

      List<String> names = new ArrayList<>(variants.keySet());
      Timings timings = new Timings();
      for (int rep = 0; rep < warmup + reps; rep++) {
        boolean measured = rep >= warmup;
        // Rotate the order each repetition so no variant always runs after the same neighbour.
        for (int i = 0; i < names.size(); i++) {
          String name = names.get((i + rep) % names.size());
          double seconds = Timings.time(variants.get(name));
          if (measured) {
            timings.add(name, seconds);
          }
        }
        System.out.printf(
            Locale.ROOT, "  %s %d done%n", measured ? "repetition" : "warm-up", rep + 1);
      }

      double base = timings.median(BASELINE);
      System.out.println();
      System.out.println("Wall time per variant (seconds):");
      System.out.print(timings.table());
      System.out.println();
      System.out.println(
          "Ratios to the baseline (a): of medians, and median of per-repetition ratios:");
      for (String name : names) {
        if (!name.equals(BASELINE)) {
          System.out.printf(
              Locale.ROOT,
              "  %-42s %6.2fx   paired %6.2fx%n",
              name + " / a",
              timings.median(name) / base,
              timings.pairedRatio(name, BASELINE));
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%nTarget (b)/(a) <= 1.5: %.2f -> %s; with profile || suite (g)/(a): %.2f; quantiles"
              + " from the profile (h)/(a): %.2f%n"
              + "Against the cheaper baseline without approx_quantile (i): (b)/(i) %.2f, (h)/(i)"
              + " %.2f%n",
          timings.median(TEND) / base,
          timings.median(TEND) / base <= 1.5 ? "met" : "NOT met",
          timings.median(CONCURRENT) / base,
          timings.median(PROFILE_FIRST) / base,
          timings.median(TEND) / timings.median(NO_QUANTILES),
          timings.median(PROFILE_FIRST) / timings.median(NO_QUANTILES));
      System.out.printf(
          Locale.ROOT,
          "Profile strategies: GROUPING SETS (d) %.3f s, raw values %d threads (e) %.3f s, 1 thread"
              + " (f) %.3f s -> %s is faster by %.2fx%n",
          timings.median(PROFILE),
          threads,
          timings.median(rawN),
          timings.median(RAW_1),
          timings.median(PROFILE) <= timings.median(rawN) ? "GROUPING SETS" : "raw values",
          Math.max(timings.median(PROFILE), timings.median(rawN))
              / Math.min(timings.median(PROFILE), timings.median(rawN)));
    } finally {
      executor.shutdownNow();
    }
  }

  private static DuckDBConnection duckDb(int threads) throws SQLException {
    DuckDBConnection connection =
        DriverManager.getConnection("jdbc:duckdb:").unwrap(DuckDBConnection.class);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET threads = " + threads);
    }
    return connection;
  }

  private static void rawProfile(
      Engine engine, DataSource source, DuckDBConnection raw, Path data, int threads) {
    // The schema comes from Tend, as it would in a port; opening is part of the cost.
    try (Dataset dataset = engine.open(source)) {
      RowRangeProfiler.profile(raw, data, dataset.schema(), threads, ProfileOptions.DEFAULTS);
    }
  }

  /**
   * One aggregate over all five columns: the profile's exact parts (counts, nulls, min, max, mean,
   * stddev, string lengths and empties), its sketches' DuckDB counterparts (approx distinct and,
   * when {@code quantiles}, approx quantiles), and the count of rows failing each of the flights
   * suite's checks.
   */
  static String baselineSql(Path parquet, boolean quantiles) {
    String file = "'" + parquet.toAbsolutePath().toString().replace("'", "''") + "'";
    List<String> aggregates = new ArrayList<>();
    aggregates.add("count(*)");
    for (String numeric : List.of("epoch_us(\"date\")", "delay", "distance")) {
      String nonNull = numeric.equals("epoch_us(\"date\")") ? "\"date\"" : numeric;
      aggregates.add("count(" + nonNull + ")");
      aggregates.add("min(" + numeric + ")");
      aggregates.add("max(" + numeric + ")");
      aggregates.add("avg(" + numeric + ")");
      aggregates.add("stddev_samp(" + numeric + ")");
      aggregates.add("approx_count_distinct(" + nonNull + ")");
      if (quantiles) {
        aggregates.add("approx_quantile(" + numeric + ", " + QUANTILES + ")");
      }
    }
    for (String text : List.of("origin", "destination")) {
      aggregates.add("count(" + text + ")");
      aggregates.add("approx_count_distinct(" + text + ")");
      aggregates.add("min(length(" + text + "))");
      aggregates.add("max(length(" + text + "))");
      aggregates.add("avg(length(" + text + "))");
      aggregates.add("count(*) FILTER (WHERE " + text + " = '')");
    }
    // The suite's checks: rows failing each validity rule (null values are completeness's).
    aggregates.add("count(*) FILTER (WHERE NOT (distance BETWEEN 10 AND 5100))");
    aggregates.add("count(*) FILTER (WHERE NOT (delay BETWEEN -120 AND 1800))");
    aggregates.add("count(*) FILTER (WHERE distance < 0)");
    aggregates.add("count(*) FILTER (WHERE NOT regexp_full_match(origin, '[A-Z]{3}'))");
    aggregates.add("count(*) FILTER (WHERE NOT regexp_full_match(destination, '[A-Z]{3}'))");
    aggregates.add("count(*) FILTER (WHERE NOT (length(origin) BETWEEN 3 AND 3))");
    aggregates.add(
        "count(*) FILTER (WHERE NOT (\"date\" BETWEEN TIMESTAMP '2001-01-01'"
            + " AND TIMESTAMP '2001-12-31 23:59:59'))");
    aggregates.add("count_if((origin <> destination) IS NOT TRUE)");
    aggregates.add("count_if((distance > 0 OR delay IS NULL) IS NOT TRUE)");
    aggregates.add(
        "count_if((hour(\"date\") BETWEEN 0 AND 23 AND isodow(\"date\") BETWEEN 1 AND 7)"
            + " IS NOT TRUE)");
    if (quantiles) {
      aggregates.add("approx_quantile(delay, 0.5)");
    }
    return "SELECT " + String.join(",\n  ", aggregates) + "\nFROM read_parquet(" + file + ")";
  }

  private static long runBaseline(DuckDBConnection connection, String sql) {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("baseline query failed: " + e, e);
    }
  }

  /** Prints what each variant computes once, so a reader can see they do the same work. */
  private static void describeOnce(
      Engine engine,
      DataSource source,
      Suite suite,
      String label,
      RunOptions runOptions,
      DuckDBConnection baseline,
      String baselineSql,
      DuckDBConnection raw,
      Path data)
      throws SQLException {
    int aggregates = baselineSql.split(",\n").length;
    System.out.printf(Locale.ROOT, "Baseline: one SELECT of %d aggregates.%n", aggregates);
    try (Dataset dataset = engine.open(source)) {
      SuiteRunner.Run run = SuiteRunner.run(suite, dataset, label, runOptions);
      long failed =
          run.report().results().stream()
              .filter(r -> r.outcome() == CheckResult.Outcome.FAILED)
              .count();
      System.out.printf(
          Locale.ROOT,
          "Suite: %d results, %d failed (failing checks fetch up to 5 sample rows each).%n",
          run.report().results().size(),
          failed);
      DatasetProfile grouped = Profiler.profile(dataset, label, ProfileOptions.DEFAULTS);
      ProfileFirstSuite.run(dataset, suite, label, runOptions)
          .quantiles()
          .forEach(
              q ->
                  System.out.printf(
                      Locale.ROOT,
                      "Quantile check '%s' from the profile's KLL: %.1f, %s%n",
                      q.check(),
                      q.value(),
                      q.passed() ? "passed" : "failed"));
      DatasetProfile streamed =
          RowRangeProfiler.profile(raw, data, dataset.schema(), 2, ProfileOptions.DEFAULTS);
      System.out.println("Profile exact parts, GROUPING SETS vs raw values (must agree):");
      for (int i = 0; i < grouped.columns().size(); i++) {
        ColumnProfile g = grouped.columns().get(i);
        ColumnProfile s = streamed.columns().get(i);
        boolean agree =
            g.count() == s.count()
                && g.missing() == s.missing()
                && g.min().equals(s.min())
                && g.max().equals(s.max())
                && closeEnough(g.mean().orElse(0), s.mean().orElse(0));
        System.out.printf(
            Locale.ROOT,
            "  %-12s count %d missing %d distinct~%s %s%n",
            g.column(),
            g.count(),
            g.missing(),
            g.distinct().map(d -> String.format(Locale.ROOT, "%.0f", d.estimate())).orElse("-"),
            agree ? "agree" : "DIFFER: " + g.summary() + " vs " + s.summary());
      }
    }
    try (Statement statement = baseline.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT count(DISTINCT \"date\"), count(DISTINCT delay), count(DISTINCT distance),"
                    + " count(DISTINCT origin), count(DISTINCT destination) FROM read_parquet('"
                    + data.toAbsolutePath().toString().replace("'", "''")
                    + "')")) {
      rs.next();
      System.out.printf(
          Locale.ROOT,
          "Exact distinct values (rows the GROUPING SETS scan hands to Java): date %d, delay %d,"
              + " distance %d, origin %d, destination %d%n%n",
          rs.getLong(1),
          rs.getLong(2),
          rs.getLong(3),
          rs.getLong(4),
          rs.getLong(5));
    }
  }

  private static boolean closeEnough(double a, double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
  }
}
