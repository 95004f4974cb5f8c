package dev.tend.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.tend.drift.Drift;
import dev.tend.drift.DriftDefaults;
import dev.tend.drift.DriftMethod;
import dev.tend.drift.DriftResult;
import dev.tend.monitor.WindowSketch;
import dev.tend.monitor.WindowSketchBuilder;
import dev.tend.monitor.WindowSketchRow;
import dev.tend.monitor.WindowSketchSchema;
import dev.tend.profile.ColumnProfile;
import dev.tend.schema.DataType;
import dev.tend.serving.monitor.RecordParser;
import dev.tend.serving.monitor.SegmentedSketcher;
import dev.tend.serving.monitor.WindowSketcher;
import dev.tend.serving.protocol.Batch;
import dev.tend.serving.protocol.Field;
import dev.tend.serving.protocol.ServingSignature;
import dev.tend.serving.protocol.ValueType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Monitoring's window sketches (issue 7), on one thread:
 *
 * <ol>
 *   <li>ingest: logged predictions of a 10-feature binary classifier (inputs and outputs JSON text
 *       as {@code Batch.rowJson} logs them, over 24 hours) into hourly {@link WindowSketch}es, in
 *       predictions per second, against a baseline measured in the same run that only tokenizes the
 *       same JSON with Jackson's streaming parser and reads every scalar;
 *   <li>drift: a 50-feature window of 1,000,000 rows against a reference window of as many, with
 *       {@link Drift} on the profiles' KLL sketches and category counts for every feature, timed;
 *       and the window's serialized size and heap at 100,000 and 1,000,000 rows.
 * </ol>
 *
 * <pre>
 * bench/run monitor [--records 1000000] [--rows 1000000] [--reps 5] [--only all|ingest|drift]
 * </pre>
 */
public final class MonitorBenchmark {
  /* The parser settings RecordParser uses, so the baseline parses as fast as it can too. */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();
  private static final String[] AIRPORTS = new String[300];
  private static final String[] CARRIERS = {
    "AA", "DL", "UA", "WN", "B6", "AS", "NK", "F9", "HA", "G4", "SY", "MQ", "OO", "YX"
  };
  private static final long HOUR_MICROS = 3_600_000_000L;
  private static final long T0 = 1_795_000_000_000_000L / HOUR_MICROS * HOUR_MICROS;

  static {
    for (int i = 0; i < AIRPORTS.length; i++) {
      AIRPORTS[i] =
          "" + (char) ('A' + i % 26) + (char) ('A' + i / 26 % 26) + (char) ('A' + i / 676 + 7);
    }
  }

  private MonitorBenchmark() {}

  /** One logged prediction as the runner reads it from the log. */
  private record Logged(long timestampMicros, long latencyMicros, String inputs, String outputs) {}

  public static void main(String[] args) {
    Map<String, String> flags = Flags.parse(args);
    int records = Integer.parseInt(flags.getOrDefault("records", "1000000"));
    int rows = Integer.parseInt(flags.getOrDefault("rows", "1000000"));
    int reps = Integer.parseInt(flags.getOrDefault("reps", "5"));
    System.out.printf(
        Locale.ROOT,
        "MonitorBenchmark: %,d records, %,d-row drift windows, %d repetitions, %d cores, Java %s%n",
        records,
        rows,
        reps,
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    String only = flags.getOrDefault("only", "all");
    if (!only.equals("drift")) {
      ingest(records, reps);
    }
    if (!only.equals("ingest")) {
      drift(rows, reps);
    }
  }

  // ------------------------------------------------------------------------------------- ingest

  private static final List<Field> INPUTS =
      List.of(
          Field.of("distance", ValueType.DOUBLE),
          Field.of("dep_delay_prev", ValueType.DOUBLE),
          Field.of("temperature", ValueType.DOUBLE),
          Field.of("wind", ValueType.DOUBLE),
          Field.of("load_factor", ValueType.DOUBLE),
          Field.of("hour", ValueType.INTEGER),
          Field.of("day_of_week", ValueType.INTEGER),
          Field.of("origin", ValueType.STRING),
          Field.of("carrier", ValueType.STRING),
          Field.of("date", ValueType.DATE));
  private static final ServingSignature SIGNATURE =
      new ServingSignature(
          INPUTS,
          List.of(Field.of("probability", ValueType.DOUBLE), Field.of("label", ValueType.STRING)));

  private static void ingest(int count, int reps) {
    long start = System.nanoTime();
    List<Logged> log = log(count);
    long chars = 0;
    for (Logged l : log) {
      chars += l.inputs().length() + l.outputs().length();
    }
    System.out.printf(
        Locale.ROOT,
        "%n(a) ingest: %,d logged predictions over 24 h made in %.1f s, %.0f chars of JSON each;"
            + " e.g.%n    inputs  %s%n    outputs %s%n",
        count,
        (System.nanoTime() - start) / 1e9,
        (double) chars / count,
        log.get(0).inputs(),
        log.get(0).outputs());

    Timings timings = new Timings();
    Timings cpuTimings = new Timings();
    String[] variants = {"a parse only (baseline)", "b hourly sketches", "c hourly + by carrier"};
    double sink = 0;
    for (int rep = -2; rep < reps; rep++) {
      for (int v = 0; v < variants.length; v++) {
        int variant = (v + Math.max(rep, 0)) % variants.length;
        long t = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        sink +=
            switch (variant) {
              case 0 -> parseOnly(log);
              case 1 -> hourly(log, false);
              default -> hourly(log, true);
            };
        double seconds = (System.nanoTime() - t) / 1e9;
        double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9;
        if (rep >= 0) {
          timings.add(variants[variant], seconds);
          cpuTimings.add(variants[variant], cpuSeconds);
        }
      }
    }
    System.out.println("  wall time:");
    System.out.print(timings.table());
    System.out.println(
        "  the thread's CPU time (what one core does, whatever else the machine runs):");
    System.out.print(cpuTimings.table());
    for (String variant : variants) {
      double s = timings.median(variant);
      double c = cpuTimings.median(variant);
      System.out.printf(
          Locale.ROOT,
          "  %-24s %,9.0f predictions/s wall, %,9.0f per CPU-second of one thread (%.2f µs);"
              + " %.2fx the baseline's CPU time (paired %.2fx)%n",
          variant,
          count / s,
          count / c,
          c * 1e6 / count,
          c / cpuTimings.median(variants[0]),
          cpuTimings.pairedRatio(variant, variants[0]));
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  /* Logged records: inputs and outputs as serving logs them, timestamps spread over 24 hours. */
  private static List<Logged> log(int count) {
    SplittableRandom random = new SplittableRandom(11);
    List<Logged> log = new ArrayList<>(count);
    int chunk = 1000;
    for (int from = 0; from < count; from += chunk) {
      int n = Math.min(chunk, count - from);
      List<List<?>> in = new ArrayList<>(n);
      List<List<?>> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        List<Object> row = new ArrayList<>(10);
        row.add(Math.round(random.nextDouble(50, 3000) * 10) / 10.0);
        row.add(random.nextInt(20) == 0 ? null : Math.round(random.nextDouble(-20, 120)) * 1.0);
        row.add(Math.round(random.nextDouble(-10, 35) * 100) / 100.0);
        row.add(random.nextDouble(0, 25));
        row.add(random.nextDouble());
        row.add((long) random.nextInt(24));
        row.add((long) random.nextInt(1, 8));
        row.add(AIRPORTS[(int) Math.abs(random.nextGaussian() * 60) % AIRPORTS.length]);
        row.add(CARRIERS[random.nextInt(CARRIERS.length)]);
        row.add(LocalDate.of(2026, 11, 1).plusDays(random.nextInt(30)));
        in.add(row);
        double p = random.nextDouble();
        out.add(List.of(p, p >= 0.5 ? "true" : "false"));
      }
      Batch inputs = Batch.ofRows(SIGNATURE.inputs(), in);
      Batch outputs = Batch.ofRows(SIGNATURE.outputs(), out);
      for (int i = 0; i < n; i++) {
        long at = T0 + (long) (from + i) * (24 * HOUR_MICROS) / count;
        log.add(new Logged(at, 200 + random.nextInt(5000), inputs.rowJson(i), outputs.rowJson(i)));
      }
    }
    return log;
  }

  /* The floor: Jackson's streaming parser over both texts, reading every scalar once. */
  private static double parseOnly(List<Logged> log) {
    double sum = 0;
    try {
      for (Logged l : log) {
        sum += scan(l.inputs()) + scan(l.outputs());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sum;
  }

  private static double scan(String text) throws IOException {
    double sum = 0;
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
          sum += p.getDoubleValue();
        } else if (t == JsonToken.VALUE_STRING) {
          sum += p.getText().length();
        }
      }
    }
    return sum;
  }

  /* What the monitor runner does: one sketcher per open hourly window, finished at the end. */
  private static double hourly(List<Logged> log, boolean segmented) {
    WindowSketchSchema schema = RecordParser.schemaOf(SIGNATURE);
    Map<Long, WindowSketcher> windows = new HashMap<>();
    Map<Long, SegmentedSketcher> segmentedWindows = new HashMap<>();
    long current = Long.MIN_VALUE;
    WindowSketcher sketcher = null;
    SegmentedSketcher segments = null;
    for (Logged l : log) {
      long window = Math.floorDiv(l.timestampMicros(), HOUR_MICROS);
      if (window != current) {
        current = window;
        if (segmented) {
          segments =
              segmentedWindows.computeIfAbsent(
                  window, w -> new SegmentedSketcher(schema, "carrier", 50));
        } else {
          sketcher = windows.computeIfAbsent(window, w -> new WindowSketcher(schema));
        }
      }
      if (segmented) {
        segments.add(l.timestampMicros(), l.latencyMicros(), l.inputs(), l.outputs());
      } else {
        sketcher.add(l.timestampMicros(), l.latencyMicros(), l.inputs(), l.outputs());
      }
    }
    long total = 0;
    for (WindowSketcher w : windows.values()) {
      total += w.finish().rows();
    }
    for (SegmentedSketcher s : segmentedWindows.values()) {
      total += s.finish().all().rows();
    }
    if (total != log.size()) {
      throw new IllegalStateException("sketched " + total + " of " + log.size() + " records");
    }
    return total;
  }

  // -------------------------------------------------------------------------------------- drift

  private static void drift(int rows, int reps) {
    List<WindowSketchSchema.Input> inputs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      inputs.add(new WindowSketchSchema.Input("x" + i, DataType.DOUBLE));
    }
    for (int i = 0; i < 10; i++) {
      inputs.add(new WindowSketchSchema.Input("c" + i, DataType.STRING));
    }
    WindowSketchSchema schema = new WindowSketchSchema(inputs, WindowSketchSchema.Task.BINARY);
    System.out.printf(
        Locale.ROOT,
        "%n(b) drift: 50 features (40 double, 10 string), windows of %,d rows%n",
        rows);

    long heapBefore = usedHeap();
    long start = System.nanoTime();
    WindowSketch reference = window(schema, rows, 1, 0.0);
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    long heapWithOne = usedHeap();
    WindowSketch current = window(schema, rows, 2, 0.3);
    WindowSketch small = window(schema, rows / 10, 3, 0.0);
    System.out.printf(
        Locale.ROOT,
        "  built a %,d-row window in %.1f s (%,.0f rows/s straight into the builder, no JSON)%n",
        rows,
        buildSeconds,
        rows / buildSeconds);
    System.out.printf(
        Locale.ROOT,
        "  serialized: %,d bytes at %,d rows, %,d bytes at %,d rows; heap of one window about"
            + " %,d bytes%n",
        small.toBytes().length,
        small.rows(),
        reference.toBytes().length,
        reference.rows(),
        heapWithOne - heapBefore);

    List<Double> seconds = new ArrayList<>();
    List<Double> cpuSeconds = new ArrayList<>();
    int drifted = 0;
    for (int rep = -2; rep < reps; rep++) {
      long t = System.nanoTime();
      long cpu = THREADS.getCurrentThreadCpuTime();
      drifted = report(reference, current, null);
      if (rep >= 0) {
        seconds.add((System.nanoTime() - t) / 1e9);
        cpuSeconds.add((THREADS.getCurrentThreadCpuTime() - cpu) / 1e9);
      }
    }
    long t = System.nanoTime();
    int byKs = report(reference, current, DriftMethod.KS);
    double ks = (System.nanoTime() - t) / 1e9;
    t = System.nanoTime();
    WindowSketch read = WindowSketch.fromBytes(current.toBytes());
    double codec = (System.nanoTime() - t) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "  drift report over 50 features (PSI and Wasserstein on KLL sketches, PSI and"
            + " Jensen-Shannon on category counts): median %.3f s, runs %s; %d of 50 features"
            + " drifted (10 shifted); CPU time median %.3f s%n",
        Timings.median(seconds),
        seconds.stream().map(s -> String.format(Locale.ROOT, "%.3f", s)).toList(),
        drifted,
        Timings.median(cpuSeconds));
    System.out.printf(
        Locale.ROOT,
        "  for comparison, KS on the 40 numeric sketches and chi-square on the 10 category counts:"
            + " %.3f s, %d drifted%n",
        ks,
        byKs);
    System.out.printf(
        Locale.ROOT,
        "  toBytes + fromBytes of the window: %.3f s (%,d rows read back)%n",
        codec,
        read.rows());
    if (reference.rows() + current.rows() == 0) {
      System.out.println();
    }
  }

  /* Rows generated on the fly (never stored); features 0-4 and 40-44 shift by `shift`. */
  private static WindowSketch window(WindowSketchSchema schema, int rows, long seed, double shift) {
    SplittableRandom random = new SplittableRandom(seed);
    WindowSketchBuilder builder = new WindowSketchBuilder(schema);
    WindowSketchRow row = builder.newRow();
    String[][] categories = new String[10][];
    for (int c = 0; c < 10; c++) {
      categories[c] = Arrays.copyOf(AIRPORTS, 20 + 25 * c);
    }
    for (int r = 0; r < rows; r++) {
      row.reset(T0 + r, 500 + random.nextInt(3000));
      for (int i = 0; i < 40; i++) {
        double x = random.nextGaussian() * (1 + i % 3) + i;
        row.setDouble(i, i < 5 ? x + shift * (1 + i % 3) : x);
      }
      for (int c = 0; c < 10; c++) {
        String[] values = categories[c];
        int k = (int) Math.abs(random.nextGaussian() * values.length / 4) % values.length;
        if (c < 5 && random.nextDouble() < shift) {
          k = values.length - 1 - k;
        }
        row.setString(40 + c, values[k]);
      }
      row.setPrediction(random.nextDouble());
      builder.add(row);
    }
    return builder.build();
  }

  /*
   * Every feature against the reference by PSI and by its default method (DriftDefaults.methodFor:
   * Wasserstein for numbers and Jensen-Shannon for strings at these sizes); or, given `extra`, by
   * that method for numbers and chi-square for strings.
   */
  private static int report(WindowSketch reference, WindowSketch current, DriftMethod extra) {
    int drifted = 0;
    for (ColumnProfile ref : reference.inputs().columns()) {
      ColumnProfile cur = current.inputs().column(ref.column()).orElseThrow();
      DriftMethod method =
          DriftDefaults.methodFor(ref.type(), Math.min(ref.count(), cur.count())).orElseThrow();
      List<DriftMethod> methods =
          extra == null
              ? List.of(DriftMethod.PSI, method)
              : List.of(ref.type() == DataType.DOUBLE ? extra : DriftMethod.CHI_SQUARE);
      boolean any = false;
      for (DriftMethod m : methods) {
        DriftResult result =
            ref.type() == DataType.DOUBLE
                ? Drift.numeric(
                    m, ref.quantileSketch().orElseThrow(), cur.quantileSketch().orElseThrow())
                : Drift.categorical(m, ref.categoryCounts(), cur.categoryCounts());
        any |= result.drifted();
      }
      if (any) {
        drifted++;
      }
    }
    return drifted;
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
