package dev.tend.server.monitoring;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.Calibration;
import dev.tend.monitor.FigureScope;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.WindowSketch;
import dev.tend.monitor.WindowSketchBuilder;
import dev.tend.monitor.WindowSketchRow;
import dev.tend.monitor.WindowSketchSchema;
import dev.tend.monitors.FeedbackArrival;
import dev.tend.monitors.IngestBatch;
import dev.tend.monitors.MonitorConfig;
import dev.tend.monitors.MonitorCursor;
import dev.tend.monitors.MonitorCursor.FeedbackPosition;
import dev.tend.monitors.MonitorCursor.Position;
import dev.tend.monitors.MonitorRepository;
import dev.tend.monitors.MonitorWindow;
import dev.tend.monitors.WindowChange;
import dev.tend.monitors.WindowKey;
import dev.tend.server.feedback.LabelledPrediction;
import dev.tend.server.feedback.LabelledPredictions;
import dev.tend.server.feedback.LoggedPredictions;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionQuery;
import dev.tend.serving.log.PredictionRecord;
import dev.tend.serving.monitor.RecordParser;
import dev.tend.serving.monitor.SegmentedSketcher;
import dev.tend.serving.monitor.WindowSketcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every deployment: on each run reads the prediction log from the deployment's cursor up to
 * a grace before now in pages, sketches the predictions per window, model version (and all
 * versions) and segment, and merges the sketches into the stored windows while moving the cursor,
 * in one transaction; then follows the feedback received since its feedback cursor, and computes
 * and stores the figures of every window it touched (and of the window after, whose drift against
 * the previous window changed), telling the listeners. Predictions logged through the API with a
 * timestamp the cursor has passed are merged the same way as they are logged ({@link
 * LoggedPredictions}). A failing deployment or window is logged and recorded in the monitor's
 * status; the others go on. Thread-safe; one runner per server.
 */
public final class MonitorRunner implements LoggedPredictions, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MonitorRunner.class);

  /** Predictions and feedback rows read at once. */
  static final int PAGE = 5_000;

  /** Labelled predictions of a binary classifier's window needed to calibrate CBPE with them. */
  static final int MIN_CALIBRATION_LABELS = 200;

  private static final int MAX_ATTEMPTS = 5;

  /**
   * How the runner runs.
   *
   * @param interval time between runs
   * @param grace how far behind now the runner reads the log: at least the log's sync interval plus
   *     2 seconds, so predictions answered but not yet durable are not passed over
   * @param maxSegments segment values with their own windows per window; later values go to {@code
   *     (other)}
   */
  public record Settings(Duration interval, Duration grace, int maxSegments) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    public Settings {
      requireNonNull(interval, "interval is null");
      requireNonNull(grace, "grace is null");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("the monitor interval must be positive: " + interval);
      }
      if (grace.isNegative()) {
        throw new IllegalArgumentException("the grace must not be negative: " + grace);
      }
      if (maxSegments < 1) {
        throw new IllegalArgumentException("maxSegments must be at least 1: " + maxSegments);
      }
    }

    /** Every {@code interval}, reading up to the log's sync interval plus 2 seconds before now. */
    public static Settings of(Duration interval, Duration logSyncInterval) {
      return new Settings(
          interval, logSyncInterval.plusSeconds(2), SegmentedSketcher.DEFAULT_MAX_SEGMENTS);
    }
  }

  /** What one run did. */
  public record RunReport(
      int deployments, long predictions, long feedback, int points, int errors) {}

  /* A calibration fitted on the labelled predictions of the window starting at `from`. */
  private record Fitted(Instant from, Calibration calibration) {}

  private final MonitorRepository monitors;
  private final PredictionLog log;
  private final LabelledPredictions labelled;
  private final Lineage lineage;
  private final FailedRequests failures;
  private final Settings settings;
  private final Clock clock;
  private final List<MonitorListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Map<String, Set<Instant>> pending = new ConcurrentHashMap<>();
  private final Map<String, Fitted> calibrations = new ConcurrentHashMap<>();
  private final ReentrantLock running = new ReentrantLock();
  private ScheduledExecutorService executor;

  MonitorRunner(
      MonitorRepository monitors,
      PredictionLog log,
      LabelledPredictions labelled,
      Lineage lineage,
      FailedRequests failures,
      Settings settings,
      Clock clock) {
    this.monitors = requireNonNull(monitors, "monitors is null");
    this.log = requireNonNull(log, "log is null");
    this.labelled = requireNonNull(labelled, "labelled is null");
    this.lineage = requireNonNull(lineage, "lineage is null");
    this.failures = requireNonNull(failures, "failures is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Adds a listener told of every figure stored. */
  public void addListener(MonitorListener listener) {
    listeners.add(requireNonNull(listener, "listener is null"));
  }

  Settings settings() {
    return settings;
  }

  /** Runs every interval on a daemon thread until closed. */
  public synchronized void start() {
    if (executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tend-monitor");
              t.setDaemon(true);
              return t;
            });
    long period = settings.interval().toMillis();
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            runOnce(clock.instant());
          } catch (RuntimeException e) {
            LOG.warn("the monitor run failed: {}", e.toString());
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor = null;
    }
  }

  /** One run over every deployment, as of {@code now}. */
  public RunReport runOnce(Instant now) {
    requireNonNull(now, "now is null");
    running.lock();
    try {
      int deployments = 0;
      long predictions = 0;
      long feedback = 0;
      int points = 0;
      int errors = 0;
      for (MonitorConfig config : monitors.all()) {
        if (!config.enabled()) {
          failures.take(config.deployment(), Long.MAX_VALUE);
          continue;
        }
        deployments++;
        try {
          Touched touched = new Touched();
          predictions += ingestPredictions(config, now, touched);
          feedback += ingestFeedback(config, now, touched);
          Set<Instant> late = pending.remove(config.deployment());
          if (late != null) {
            touched.windows.addAll(late);
          }
          points += figures(config, touched);
          // A suite that does not parse leaves its checks out; the figures are still saved.
          monitors.recordRun(config.deployment(), now, touched.problem);
        } catch (RuntimeException e) {
          errors++;
          LOG.warn("monitoring deployment {} failed: {}", config.deployment(), e.toString());
          try {
            monitors.recordRun(config.deployment(), now, Optional.of(message(e)));
          } catch (RuntimeException again) {
            LOG.warn("cannot record the failure of {}: {}", config.deployment(), again.toString());
          }
        }
      }
      return new RunReport(deployments, predictions, feedback, points, errors);
    } finally {
      running.unlock();
    }
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /* Window starts whose sketch-based figures and labelled figures need computing. */
  private static final class Touched {
    final Set<Instant> windows = new TreeSet<>();
    final Set<Instant> labelled = new TreeSet<>();
    /* A problem that did not stop the run, kept as the monitor's last error. */
    Optional<String> problem = Optional.empty();
  }

  private ReentrantLock lock(String deployment) {
    return locks.computeIfAbsent(deployment, d -> new ReentrantLock());
  }

  // ---------------------------------------------------------------- predictions

  private long ingestPredictions(MonitorConfig config, Instant now, Touched touched) {
    String deployment = config.deployment();
    Instant upto = now.minus(settings.grace()).truncatedTo(ChronoUnit.MICROS);
    long read = 0;
    int conflicts = 0;
    while (true) {
      ReentrantLock lock = lock(deployment);
      lock.lock();
      try {
        MonitorCursor cursor = monitors.cursor(deployment);
        Position at = cursor.position();
        if (!at.time().isBefore(upto)) {
          return read;
        }
        List<PredictionRecord> page =
            log.query(
                at.predictionId().isEmpty()
                    ? PredictionQuery.of(deployment, at.time(), upto, PAGE)
                    : PredictionQuery.after(deployment, at.time(), at.predictionId(), upto, PAGE));
        boolean last = page.size() < PAGE;
        Position next =
            last
                ? new Position(upto, "")
                : new Position(page.getLast().timestamp(), page.getLast().predictionId());
        Map<FailedRequests.Key, Long> failed =
            last ? failures.take(deployment, Math.floorDiv(upto.toEpochMilli(), 1000)) : Map.of();
        List<WindowChange> changes = new ArrayList<>(sketch(config, page));
        changes.addAll(failedChanges(config, failed));
        boolean applied;
        try {
          applied =
              monitors.ingest(
                  new IngestBatch(
                      deployment, cursor.version(), Optional.of(next), Optional.empty(), changes),
                  MonitorRunner::merge);
        } catch (RuntimeException e) {
          failures.restore(failed);
          throw e;
        }
        if (!applied) {
          failures.restore(failed);
          if (++conflicts >= MAX_ATTEMPTS) {
            throw new IllegalStateException(
                "the cursor of "
                    + deployment
                    + " kept moving under this server; retrying next run");
          }
          continue;
        }
        read += page.size();
        changes.forEach(c -> touched.windows.add(c.key().start()));
        if (last) {
          return read;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Takes predictions logged with past timestamps into the windows: those the cursor passed already
   * are merged here, the others the runner reads later. Holding the deployment's lock while they
   * are appended keeps the runner from reading the log meanwhile, so each is counted once.
   */
  @Override
  public void log(List<PredictionRecord> records, Runnable append) {
    Set<String> deployments = new TreeSet<>();
    records.forEach(r -> deployments.add(r.deployment()));
    List<ReentrantLock> held = new ArrayList<>();
    try {
      for (String deployment : deployments) {
        ReentrantLock lock = lock(deployment);
        lock.lock();
        held.add(lock);
      }
      append.run();
      for (String deployment : deployments) {
        try {
          mergeLate(
              deployment, records.stream().filter(r -> r.deployment().equals(deployment)).toList());
        } catch (RuntimeException e) {
          LOG.warn("cannot merge late predictions of {}: {}", deployment, e.toString());
          monitors.recordRun(deployment, clock.instant(), Optional.of(message(e)));
        }
      }
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
  }

  private void mergeLate(String deployment, List<PredictionRecord> records) {
    Optional<MonitorConfig> config = monitors.config(deployment);
    if (config.isEmpty() || !config.get().enabled()) {
      return;
    }
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      MonitorCursor cursor = monitors.cursor(deployment);
      List<PredictionRecord> late =
          records.stream()
              .filter(r -> cursor.position().covers(r.timestamp(), r.predictionId()))
              .toList();
      if (late.isEmpty()) {
        return;
      }
      List<WindowChange> changes = sketch(config.get(), late);
      if (monitors.ingest(
          new IngestBatch(
              deployment, cursor.version(), Optional.empty(), Optional.empty(), changes),
          MonitorRunner::merge)) {
        Set<Instant> starts =
            pending.computeIfAbsent(deployment, d -> ConcurrentHashMap.newKeySet());
        changes.forEach(c -> starts.add(c.key().start()));
        return;
      }
    }
    throw new IllegalStateException(
        "the cursor of " + deployment + " kept moving; late predictions not merged");
  }

  /*
   * A window's sketch per model version, for all versions ('*': parsed against the stable
   * version's schema, else the first version's seen) and per segment. Versions whose signature
   * cannot be sketched (external models) are counted without a sketch.
   */
  private List<WindowChange> sketch(MonitorConfig config, List<PredictionRecord> records) {
    record Slot(Instant start, String version) {}
    Map<Slot, Object> sketchers = new LinkedHashMap<>();
    Map<Slot, Long> unsketched = new LinkedHashMap<>();
    Optional<WindowSketchSchema> allSchema =
        lineage.stableVersionId(config.deployment()).flatMap(lineage::schema);
    for (PredictionRecord record : records) {
      String version =
          lineage.versionId(config.projectId(), record.modelName(), record.modelVersion());
      Instant start = config.windowStart(record.timestamp());
      Optional<WindowSketchSchema> own = lineage.schema(version);
      if (allSchema.isEmpty()) {
        allSchema = own;
      }
      add(config, sketchers, unsketched, new Slot(start, version), own, record);
      if (!isShadow(record)) {
        add(
            config,
            sketchers,
            unsketched,
            new Slot(start, MetricPoint.ALL_VERSIONS),
            allSchema,
            record);
      }
    }
    List<WindowChange> changes = new ArrayList<>();
    Duration window = config.window();
    sketchers.forEach(
        (slot, sketcher) -> {
          Instant end = slot.start().plus(window);
          if (sketcher instanceof SegmentedSketcher segmented) {
            SegmentedSketcher.Segmented done = segmented.finish();
            changes.add(change(config, slot.start(), end, slot.version(), "", done.all()));
            done.segments()
                .forEach(
                    (value, s) ->
                        changes.add(
                            change(
                                config,
                                slot.start(),
                                end,
                                slot.version(),
                                done.column() + "=" + value,
                                s)));
          } else {
            WindowSketch s = ((WindowSketcher) sketcher).finish();
            changes.add(change(config, slot.start(), end, slot.version(), "", s));
          }
        });
    unsketched.forEach(
        (slot, rows) ->
            changes.add(
                new WindowChange(
                    new WindowKey(config.deployment(), slot.version(), "", slot.start()),
                    slot.start().plus(window),
                    rows,
                    0,
                    Optional.empty())));
    return changes;
  }

  /*
   * A shadow's answers are logged (environment "<env>.shadow") under the ids of the requests the
   * stable version answered: they belong to the shadow version's windows, not to the deployment's
   * traffic ('*').
   */
  static boolean isShadow(PredictionRecord record) {
    return record.environment().endsWith(".shadow");
  }

  private <S> void add(
      MonitorConfig config,
      Map<S, Object> sketchers,
      Map<S, Long> unsketched,
      S slot,
      Optional<WindowSketchSchema> schema,
      PredictionRecord record) {
    if (schema.isEmpty()) {
      unsketched.merge(slot, 1L, Long::sum);
      return;
    }
    Object sketcher =
        sketchers.computeIfAbsent(
            slot,
            s -> {
              Optional<String> column = config.segmentColumn();
              boolean segmented =
                  column.isPresent()
                      && schema.get().inputs().stream()
                          .anyMatch(i -> i.name().equals(column.get()));
              return segmented
                  ? new SegmentedSketcher(schema.get(), column.get(), settings.maxSegments())
                  : new WindowSketcher(schema.get());
            });
    if (sketcher instanceof SegmentedSketcher segmented) {
      segmented.add(record);
    } else {
      ((WindowSketcher) sketcher).add(record);
    }
  }

  private static WindowChange change(
      MonitorConfig config,
      Instant start,
      Instant end,
      String version,
      String segment,
      WindowSketch s) {
    return new WindowChange(
        new WindowKey(config.deployment(), version, segment, start),
        end,
        s.rows(),
        0,
        Optional.of(s.toBytes()));
  }

  private static List<WindowChange> failedChanges(
      MonitorConfig config, Map<FailedRequests.Key, Long> failed) {
    Map<WindowKey, Long> counts = new LinkedHashMap<>();
    failed.forEach(
        (key, n) -> {
          Instant start = config.windowStart(Instant.ofEpochSecond(key.second()));
          counts.merge(
              new WindowKey(config.deployment(), key.versionId(), "", start), n, Long::sum);
          counts.merge(
              new WindowKey(config.deployment(), MetricPoint.ALL_VERSIONS, "", start),
              n,
              Long::sum);
        });
    List<WindowChange> changes = new ArrayList<>();
    counts.forEach(
        (key, n) ->
            changes.add(
                new WindowChange(key, key.start().plus(config.window()), 0, n, Optional.empty())));
    return changes;
  }

  /*
   * Merges a stored sketch with a batch's. A stored sketch that does not decode, or one of other
   * inputs (the stable version changed its signature within a window), gives way to the batch's:
   * the window's counts stay right, its sketch then covers the newer predictions only.
   */
  static byte[] merge(byte[] stored, byte[] batch) {
    WindowSketch next = WindowSketch.fromBytes(batch);
    try {
      return WindowSketch.fromBytes(stored).merge(next).toBytes();
    } catch (RuntimeException e) {
      LOG.warn("a stored window sketch was replaced: {}", e.toString());
      return batch;
    }
  }

  // ---------------------------------------------------------------- feedback

  private long ingestFeedback(MonitorConfig config, Instant now, Touched touched) {
    String deployment = config.deployment();
    Instant upto = now.minus(settings.grace());
    long read = 0;
    for (int conflicts = 0; conflicts < MAX_ATTEMPTS; ) {
      MonitorCursor cursor = monitors.cursor(deployment);
      List<FeedbackArrival> arrivals =
          monitors.feedbackAfter(deployment, cursor.feedback(), upto, PAGE);
      if (arrivals.isEmpty()) {
        return read;
      }
      Set<String> ids = new HashSet<>();
      arrivals.forEach(a -> ids.add(a.predictionId()));
      Set<Instant> starts = new TreeSet<>();
      for (PredictionRecord p : log.lookup(ids).values()) {
        if (p.deployment().equals(deployment)) {
          starts.add(config.windowStart(p.timestamp()));
        }
      }
      FeedbackArrival last = arrivals.getLast();
      boolean applied =
          monitors.ingest(
              new IngestBatch(
                  deployment,
                  cursor.version(),
                  Optional.empty(),
                  Optional.of(
                      new FeedbackPosition(last.receivedAt(), last.predictionId(), last.name())),
                  List.of()),
              MonitorRunner::merge);
      if (!applied) {
        conflicts++;
        continue;
      }
      read += arrivals.size();
      touched.labelled.addAll(starts);
      if (arrivals.size() < PAGE) {
        return read;
      }
    }
    return read;
  }

  // ---------------------------------------------------------------- figures

  private int figures(MonitorConfig config, Touched touched) {
    Set<Instant> starts = new TreeSet<>(touched.windows);
    touched.windows.forEach(s -> starts.add(s.plus(config.window())));
    List<MetricPoint> points = new ArrayList<>();
    Map<String, Lineage.Reference> references = new HashMap<>();
    for (Instant start : starts) {
      points.addAll(windowFigures(config, start, references));
    }
    for (Instant start : touched.labelled) {
      points.addAll(labelledFigures(config, start));
    }
    references.values().stream()
        .flatMap(r -> r.suiteProblem().stream())
        .findFirst()
        .ifPresent(p -> touched.problem = Optional.of(p));
    if (points.isEmpty()) {
      return 0;
    }
    monitors.savePoints(points);
    for (MonitorListener listener : listeners) {
      try {
        listener.figures(config.projectId(), List.copyOf(points));
      } catch (RuntimeException e) {
        LOG.warn("a monitor listener failed: {}", e.toString());
      }
    }
    return points.size();
  }

  /**
   * The sketch-based figures of every version and segment of the window starting at {@code start}.
   */
  List<MetricPoint> windowFigures(
      MonitorConfig config, Instant start, Map<String, Lineage.Reference> references) {
    List<MonitorWindow> windows =
        monitors.windows(
            config.deployment(),
            Optional.empty(),
            Optional.empty(),
            start,
            start.plusMillis(1),
            true);
    if (windows.isEmpty()) {
      return List.of();
    }
    Instant previousStart = start.minus(config.window());
    Map<String, MonitorWindow> previous = new HashMap<>();
    for (MonitorWindow w :
        monitors.windows(
            config.deployment(),
            Optional.empty(),
            Optional.empty(),
            previousStart,
            previousStart.plusMillis(1),
            true)) {
      previous.put(w.key().modelVersion() + '\u0000' + w.key().segment(), w);
    }
    List<MetricPoint> points = new ArrayList<>();
    for (MonitorWindow w : windows) {
      String version = w.key().modelVersion();
      FigureScope scope =
          new FigureScope(config.deployment(), version, w.key().segment(), start, w.end());
      Lineage.Reference reference =
          references.computeIfAbsent(version, v -> lineage.reference(config, v));
      points.addAll(
          SketchFigures.of(
              scope,
              w.rows(),
              w.failedRequests(),
              decode(w),
              Optional.ofNullable(previous.get(version + '\u0000' + w.key().segment()))
                  .flatMap(MonitorRunner::decode),
              reference.profile(),
              reference.suite(),
              calibration(config.deployment(), version, start)));
    }
    return points;
  }

  /* A window whose sketch does not decode still has its counts; it is logged, not fatal. */
  static Optional<WindowSketch> decode(MonitorWindow window) {
    if (window.sketch().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(WindowSketch.fromBytes(window.sketch().get()));
    } catch (RuntimeException e) {
      LOG.warn("the sketch of window {} does not decode: {}", window.key(), e.toString());
      return Optional.empty();
    }
  }

  /*
   * CBPE is calibrated with the isotonic map fitted on the labelled predictions of the latest
   * earlier window of the same version that had at least MIN_CALIBRATION_LABELS labels of both
   * classes, as this server computed them; uncalibrated otherwise.
   */
  private Optional<Calibration> calibration(String deployment, String version, Instant start) {
    Fitted fitted = calibrations.get(deployment + '\u0000' + version);
    return fitted != null && fitted.from().isBefore(start)
        ? Optional.of(fitted.calibration())
        : Optional.empty();
  }

  List<MetricPoint> labelledFigures(MonitorConfig config, Instant start) {
    Instant end = start.plus(config.window());
    Optional<String> column = config.segmentColumn();
    Map<String, Optional<SegmentReader>> readers = new HashMap<>();
    Map<String, Map<String, Long>> rows = new HashMap<>();
    for (MonitorWindow w :
        monitors.windows(
            config.deployment(),
            Optional.empty(),
            Optional.empty(),
            start,
            start.plusMillis(1),
            false)) {
      rows.computeIfAbsent(w.key().modelVersion(), v -> new HashMap<>())
          .put(w.key().segment(), w.rows());
    }
    LabelledWindow window =
        new LabelledWindow(
            config.deployment(),
            start,
            end,
            p -> versionOf(config, p.prediction()),
            p -> column.flatMap(c -> segmentOf(readers, config, c, p)));
    Position at = new Position(start, "");
    while (true) {
      List<PredictionRecord> page =
          log.query(
              at.predictionId().isEmpty()
                  ? PredictionQuery.of(config.deployment(), at.time(), end, PAGE)
                  : PredictionQuery.after(
                      config.deployment(), at.time(), at.predictionId(), end, PAGE));
      labelled.join(page).forEach(window::add);
      if (page.size() < PAGE) {
        break;
      }
      at = new Position(page.getLast().timestamp(), page.getLast().predictionId());
    }
    for (String version : rows.keySet()) {
      window
          .sample(version)
          .filter(s -> s.scores().length >= MIN_CALIBRATION_LABELS)
          .filter(s -> hasBoth(s.labels()))
          .ifPresent(
              s -> {
                String key = config.deployment() + '\u0000' + version;
                Fitted before = calibrations.get(key);
                if (before == null || before.from().isBefore(start)) {
                  calibrations.put(key, new Fitted(start, Calibration.fit(s.scores(), s.labels())));
                }
              });
    }
    return window.points(rows);
  }

  private static boolean hasBoth(boolean[] labels) {
    boolean positive = false;
    boolean negative = false;
    for (boolean l : labels) {
      positive |= l;
      negative |= !l;
    }
    return positive && negative;
  }

  private String versionOf(MonitorConfig config, PredictionRecord record) {
    return lineage.versionId(config.projectId(), record.modelName(), record.modelVersion());
  }

  /* Reads one input of logged records as the sketcher does: one parser and row per version. */
  private record SegmentReader(RecordParser parser, WindowSketchRow row, int index) {}

  /* The segment of a prediction as the sketcher names it: column=value of its parsed inputs. */
  private Optional<String> segmentOf(
      Map<String, Optional<SegmentReader>> readers,
      MonitorConfig config,
      String column,
      LabelledPrediction p) {
    String version = versionOf(config, p.prediction());
    Optional<SegmentReader> reader =
        readers.computeIfAbsent(
            version,
            v ->
                lineage
                    .schema(v)
                    .flatMap(
                        schema -> {
                          for (int i = 0; i < schema.inputs().size(); i++) {
                            if (schema.inputs().get(i).name().equals(column)) {
                              return Optional.of(
                                  new SegmentReader(
                                      new RecordParser(schema),
                                      new WindowSketchBuilder(schema).newRow(),
                                      i));
                            }
                          }
                          return Optional.empty();
                        }));
    if (reader.isEmpty()) {
      return Optional.empty();
    }
    SegmentReader r = reader.get();
    r.row().reset(p.prediction().timestampMicros(), p.prediction().latencyMicros());
    r.parser().parse(p.prediction().inputs(), p.prediction().outputs(), r.row());
    String value = r.row().valueText(r.index());
    return Optional.of(column + "=" + (value == null ? SegmentedSketcher.MISSING : value));
  }
}
