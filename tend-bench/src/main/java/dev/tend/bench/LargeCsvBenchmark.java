package dev.tend.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code ./tend check FILE --suite S --format json --no-history} as a real process with a 512
 * MB heap on generated CSV files of N/4, N/2 and N rows, and reports wall time, exit code, peak RSS
 * and seconds per million rows, to show that a check streams: time grows linearly and memory does
 * not grow with the file.
 *
 * <p>Usage: {@code LargeCsvBenchmark [--rows N] [--dir FOLDER] [--keep true] [--tend ./tend]
 * [--heap 512m] [--passes 2]}. The files are deleted afterwards unless {@code --keep true}.
 */
public final class LargeCsvBenchmark {
  /** Every this many rows, one row carries a planted invalid amount and country. */
  static final long PLANT_EVERY = 1_000_003;

  private static final String[] CATEGORIES = {
    "books", "games", "garden", "grocery", "health", "music", "sports", "toys"
  };
  private static final String[] COUNTRIES = {
    "AT", "BE", "BR", "CA", "CH", "CN", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IN", "IT", "JP",
    "NL", "NO", "SE", "US"
  };
  private static final long START_EPOCH_SECOND =
      LocalDateTime.of(2024, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
  private static final int BYTES_PER_ROW_ESTIMATE = 70;

  private LargeCsvBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = Flags.parse(args);
    long rows = Long.parseLong(flags.getOrDefault("rows", "50000000").replace("_", ""));
    Path dir = Path.of(flags.getOrDefault("dir", System.getProperty("java.io.tmpdir")));
    boolean keep = Boolean.parseBoolean(flags.getOrDefault("keep", "false"));
    Path tend = Path.of(flags.getOrDefault("tend", "./tend")).toAbsolutePath();
    String heap = flags.getOrDefault("heap", "512m");
    int passes = Integer.parseInt(flags.getOrDefault("passes", "2"));
    if (rows < 4) {
      throw new IllegalArgumentException("--rows must be at least 4: " + rows);
    }
    long[] sizes = {rows / 4, rows / 2, rows};

    System.out.printf(
        Locale.ROOT,
        "LargeCsvBenchmark: %,d / %,d / %,d rows, heap -Xmx%s, %d processors, java %s%n",
        sizes[0],
        sizes[1],
        sizes[2],
        heap,
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    System.out.println("load average: " + loadAverage());
    Files.createDirectories(dir);
    Path work = Files.createTempDirectory(dir, "tend-bench-csv-");
    try {
      long needed = (sizes[0] + sizes[1] + sizes[2]) * BYTES_PER_ROW_ESTIMATE;
      System.out.print(run(List.of("df", "-h", work.toString())));
      long usable = Files.getFileStore(work).getUsableSpace();
      if (usable < needed + needed / 5) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "%s has %,d MB free; the files need about %,d MB plus a margin; pass --dir or"
                    + " fewer --rows",
                work,
                usable >> 20,
                needed >> 20));
      }
      Path suite = work.resolve("suite.yaml");
      Files.writeString(suite, suiteYaml(), StandardCharsets.UTF_8);
      List<Path> files = new ArrayList<>();
      for (long size : sizes) {
        files.add(work.resolve("rows-" + size + ".csv"));
      }
      long started = System.nanoTime();
      generate(files, sizes);
      System.out.printf(
          Locale.ROOT,
          "generated in %.1f s: %s%n",
          (System.nanoTime() - started) / 1e9,
          files.stream().map(f -> f.getFileName() + " " + (size(f) >> 20) + " MB").toList());

      // ./tend builds the CLI when its sources changed: let it, outside the measurements, and
      // time what every run pays before reading data (JVM and DuckDB start, suite parse).
      long warm = System.nanoTime();
      String help = run(List.of(tend.toString(), "--help"));
      double startup = (System.nanoTime() - warm) / 1e9;
      warm = System.nanoTime();
      run(List.of(tend.toString(), "--help"));
      startup = Math.min(startup, (System.nanoTime() - warm) / 1e9);
      System.out.printf(
          Locale.ROOT,
          "./tend --help (start-up, no data): %.2f s%s%n",
          startup,
          help.contains("check") ? "" : " (unexpected output: " + help.strip() + ")");

      // Each pass checks every size; the second goes largest first, so load that drifts during
      // the run does not favour one size. The median over passes is reported.
      List<List<Measurement>> bySize = new ArrayList<>();
      for (int i = 0; i < sizes.length; i++) {
        bySize.add(new ArrayList<>());
      }
      for (int pass = 0; pass < passes; pass++) {
        for (int k = 0; k < sizes.length; k++) {
          int i = pass % 2 == 0 ? k : sizes.length - 1 - k;
          Measurement m = check(tend, heap, files.get(i), suite, sizes[i], work);
          bySize.get(i).add(m);
          System.out.println("  pass " + (pass + 1) + ": " + m.line());
        }
      }
      for (int i = 0; i < sizes.length - 1 && !keep; i++) {
        Files.deleteIfExists(files.get(i));
      }
      // Which check holds the memory: the largest file once more without the unique check.
      Path withoutUnique = work.resolve("suite-without-unique.yaml");
      Files.writeString(
          withoutUnique,
          suiteYaml().replace("  - unique: {column: id}\n", ""),
          StandardCharsets.UTF_8);
      Measurement noUnique =
          check(tend, heap, files.get(sizes.length - 1), withoutUnique, rows, work);
      System.out.println("  without the unique check: " + noUnique.line());

      System.out.println();
      System.out.println(
          "rows          median wall s   s per M rows   peak RSS MB (max)   exits   OOM");
      double[] perMillion = new double[sizes.length];
      for (int i = 0; i < sizes.length; i++) {
        List<Measurement> runs = bySize.get(i);
        double median = Timings.median(runs.stream().map(Measurement::seconds).toList());
        perMillion[i] = median / (sizes[i] / 1e6);
        System.out.printf(
            Locale.ROOT,
            "%,12d  %13.1f   %12.3f   %17d   %5s   %3s%n",
            sizes[i],
            median,
            perMillion[i],
            runs.stream().mapToLong(Measurement::peakRssKb).max().orElseThrow() >> 10,
            runs.stream().map(m -> Integer.toString(m.exitCode())).toList(),
            runs.stream().anyMatch(Measurement::outOfMemory) ? "YES" : "no");
      }
      System.out.printf(
          Locale.ROOT,
          "%,12d  %13.1f   %12.3f   %17d   %5d   %3s   (suite without unique)%n",
          rows,
          noUnique.seconds(),
          noUnique.seconds() / (rows / 1e6),
          noUnique.peakRssKb() >> 10,
          noUnique.exitCode(),
          noUnique.outOfMemory() ? "YES" : "no");
      System.out.printf(
          Locale.ROOT,
          "time per M rows, N vs N/4: %.2fx (1.00 = linear)%n",
          perMillion[sizes.length - 1] / perMillion[0]);
      System.out.println("load average after: " + loadAverage());
    } finally {
      if (!keep) {
        deleteTree(work);
      } else {
        System.out.println("kept " + work);
      }
    }
  }

  /** The suite the benchmark checks with: about ten checks of every kind a CSV feed would have. */
  static String suiteYaml() {
    return """
        version: 1
        name: large-csv
        description: Written by LargeCsvBenchmark; one planted row in ~1M breaks country and amount.
        checks:
          - schema:
              columns:
                - {name: id, type: integer}
                - {name: ts, type: timestamp}
                - {name: amount, type: double}
                - {name: category, type: string}
                - {name: country, type: string}
                - {name: note, type: string}
          - row_count: {min: 1}
          - completeness: {column: id}
          - completeness: {column: amount, max_missing: 2%}
          - unique: {column: id}
          - between: {column: amount, min: 0, max: 10000, max_invalid: 0.01%}
          - in_set: {column: category, values: [books, games, garden, grocery, health, music, \
        sports, toys]}
          - regex: {column: country, pattern: '[A-Z]{2}'}
            name: country code
          - length: {column: note, max: 40}
          - statistic: {column: amount, stat: mean, min: 4000, max: 6000}
          - statistic: {column: amount, stat: quantile, quantile: 0.5, min: 4000, max: 6000}
          - rule:
              expression: ts >= '2024-01-01'
            name: not before launch
        """;
  }

  /**
   * Writes the first {@code sizes[i]} rows of one deterministic stream to {@code files[i]}, so each
   * smaller file is a prefix of the larger ones.
   */
  static void generate(List<Path> files, long[] sizes) throws IOException {
    List<Writer> writers = new ArrayList<>();
    try {
      for (Path file : files) {
        writers.add(
            new BufferedWriter(
                new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
                1 << 20));
      }
      String header = "id,ts,amount,category,country,note\n";
      for (Writer writer : writers) {
        writer.write(header);
      }
      SplittableRandom random = new SplittableRandom(20240101L);
      StringBuilder line = new StringBuilder(128);
      long max = sizes[sizes.length - 1];
      for (long id = 1; id <= max; id++) {
        line.setLength(0);
        row(line, id, random);
        for (int w = 0; w < writers.size(); w++) {
          if (id <= sizes[w]) {
            writers.get(w).append(line);
          }
        }
      }
    } finally {
      IOException failure = null;
      for (Writer writer : writers) {
        try {
          writer.close();
        } catch (IOException e) {
          failure = e;
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  private static void row(StringBuilder line, long id, SplittableRandom random) {
    boolean planted = id % PLANT_EVERY == 0;
    line.append(id).append(',');
    appendTimestamp(line, START_EPOCH_SECOND + id / 2);
    line.append(',');
    if (planted) {
      line.append("-1.00");
    } else if (random.nextInt(100) != 0) {
      long cents = random.nextLong(1_000_000);
      line.append(cents / 100).append('.');
      long fraction = cents % 100;
      if (fraction < 10) {
        line.append('0');
      }
      line.append(fraction);
    }
    line.append(',').append(CATEGORIES[random.nextInt(CATEGORIES.length)]).append(',');
    if (planted) {
      line.append("X1");
    } else if (random.nextInt(200) != 0) {
      line.append(COUNTRIES[random.nextInt(COUNTRIES.length)]);
    }
    line.append(',');
    if (random.nextInt(10) >= 3) {
      line.append("note ").append(Long.toHexString(random.nextLong()));
    }
    line.append('\n');
  }

  private static void appendTimestamp(StringBuilder line, long epochSecond) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    line.append(t.getYear()).append('-');
    pad(line, t.getMonthValue()).append('-');
    pad(line, t.getDayOfMonth()).append(' ');
    pad(line, t.getHour()).append(':');
    pad(line, t.getMinute()).append(':');
    pad(line, t.getSecond());
  }

  private static StringBuilder pad(StringBuilder line, int value) {
    if (value < 10) {
      line.append('0');
    }
    return line.append(value);
  }

  private record Measurement(
      long rows,
      double seconds,
      int exitCode,
      long peakRssKb,
      boolean outOfMemory,
      String reportCheck) {
    String line() {
      return String.format(
          Locale.ROOT,
          "%,d rows: %.1f s, exit %d, peak RSS %d MB%s; %s",
          rows,
          seconds,
          exitCode,
          peakRssKb >> 10,
          outOfMemory ? ", OutOfMemoryError" : "",
          reportCheck);
    }
  }

  private static Measurement check(
      Path tend, String heap, Path file, Path suite, long rows, Path work)
      throws IOException, InterruptedException {
    Path timeLog = work.resolve("time-" + rows + ".txt");
    Path out = work.resolve("out-" + rows + ".json");
    Path err = work.resolve("err-" + rows + ".txt");
    List<String> command = new ArrayList<>();
    boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
    if (gnuTime) {
      command.addAll(List.of("/usr/bin/time", "-v", "-o", timeLog.toString()));
    }
    command.addAll(
        List.of(
            tend.toString(),
            "check",
            file.toString(),
            "--suite",
            suite.toString(),
            "--format",
            "json",
            "--no-history"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(tend.getParent().toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().put("TEND_JAVA_OPTS", "-Xmx" + heap);
    long started = System.nanoTime();
    Process process = builder.start();
    long peakKb = 0;
    while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
      peakKb = Math.max(peakKb, treeRssKb(process.toHandle()));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (gnuTime && Files.exists(timeLog)) {
      Matcher m =
          Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)")
              .matcher(Files.readString(timeLog));
      if (m.find()) {
        peakKb = Long.parseLong(m.group(1));
      }
    }
    String stderr = Files.readString(err);
    String stdout = Files.readString(out);
    boolean oom = stderr.contains("OutOfMemoryError") || stdout.contains("OutOfMemoryError");
    int exit = process.exitValue();
    if (exit > 1) {
      System.out.println("tend stderr:\n" + stderr);
    }
    return new Measurement(rows, seconds, exit, peakKb, oom, summarize(stdout, rows));
  }

  /** The report's row count and what the planted-row check found, checked against the plant. */
  private static String summarize(String json, long rows) {
    try {
      JsonNode report = new ObjectMapper().readTree(json);
      long planted = rows / PLANT_EVERY;
      String country = "country check not found";
      for (JsonNode check : report.path("checks")) {
        if (check.path("name").asText().equals("country code")) {
          long failing = check.path("failing_rows").asLong(-1);
          country =
              "country code failing_rows "
                  + failing
                  + (failing == planted ? " = planted" : " != planted " + planted);
        }
      }
      return String.format(
          Locale.ROOT,
          "row_count %d%s, %d of %d checks passed, %s",
          report.path("row_count").asLong(),
          report.path("row_count").asLong() == rows ? " (right)" : " (WRONG)",
          report.path("summary").path("passed").asLong(),
          report.path("summary").path("checks").asLong(),
          country);
    } catch (IOException e) {
      return "no JSON report (" + e.getMessage().lines().findFirst().orElse("") + ")";
    }
  }

  /** Resident set size of a process and its descendants from /proc, 0 where unreadable. */
  private static long treeRssKb(ProcessHandle root) {
    long total = rssKb(root.pid());
    for (ProcessHandle child : root.descendants().toList()) {
      total += rssKb(child.pid());
    }
    return total;
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return output;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
