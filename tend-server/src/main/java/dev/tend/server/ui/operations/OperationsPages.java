package dev.tend.server.ui.operations;

import static java.util.Objects.requireNonNull;

import dev.tend.deployments.Environment;
import dev.tend.operations.Bucket;
import dev.tend.operations.BucketFigures;
import dev.tend.operations.Change;
import dev.tend.operations.Figures;
import dev.tend.operations.IncidentFigure;
import dev.tend.operations.OperationsFigures;
import dev.tend.operations.Period;
import dev.tend.projects.Project;
import dev.tend.server.operations.OperationsApi;
import dev.tend.server.operations.OperationsReader;
import dev.tend.server.ui.Charts;
import dev.tend.server.ui.Section;
import dev.tend.server.ui.UiArea;
import dev.tend.server.ui.UiCall;
import dev.tend.server.ui.UiException;
import dev.tend.server.ui.UiResponse;
import dev.tend.server.ui.UiRoutes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A project's operations figures (docs/operations-figures.md) at a glance: figure cards for the
 * period and a chart per figure by day or week, read through the same {@link OperationsReader} as
 * {@code GET /projects/{project}/operations}, with the same {@code bucket}, {@code from} and {@code
 * to} and {@code environment}. Thread-safe.
 */
public final class OperationsPages implements UiArea {
  /** The most changes and incidents listed under the charts, newest first. */
  static final int MAX_LISTED = 50;

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static final int DATE_LENGTH = "2026-11-02".length();

  private final OperationsReader reader;
  private final Clock clock;

  public OperationsPages(OperationsReader reader, Clock clock) {
    this.reader = requireNonNull(reader, "reader is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * The model of {@code operations/figures.jte}.
   *
   * @param from the period's first day, as the filter shows it
   * @param to the period's last day, as the filter shows it
   * @param environment the one environment shown, or empty for all
   * @param charts ECharts options by chart id
   * @param changes the period's newest changes of stable version
   * @param incidents the period's newest incidents
   */
  public record FiguresPage(
      String from,
      String to,
      Optional<Environment> environment,
      Bucket bucket,
      Figures totals,
      Map<String, String> charts,
      List<Change> changes,
      List<IncidentFigure> incidents) {
    public FiguresPage {
      requireNonNull(from, "from is null");
      requireNonNull(to, "to is null");
      requireNonNull(environment, "environment is null");
      requireNonNull(bucket, "bucket is null");
      requireNonNull(totals, "totals is null");
      charts = Map.copyOf(requireNonNull(charts, "charts is null"));
      changes = List.copyOf(requireNonNull(changes, "changes is null"));
      incidents = List.copyOf(requireNonNull(incidents, "incidents is null"));
    }

    /** Whether the filter shows {@code option}; empty stands for all environments. */
    public boolean shows(Optional<Environment> option) {
      return environment.equals(option);
    }

    /** The filter's options: all environments, then each one. */
    public static List<Optional<Environment>> environments() {
      List<Optional<Environment>> options = new ArrayList<>();
      options.add(Optional.empty());
      for (Environment e : Environment.values()) {
        options.add(Optional.of(e));
      }
      return options;
    }

    /** Seconds as a duration; null (written {@code –}) when absent. */
    public static Duration seconds(OptionalDouble seconds) {
      return seconds.isPresent() ? Duration.ofMillis((long) (seconds.getAsDouble() * 1000)) : null;
    }
  }

  @Override
  public void routes(UiRoutes routes) {
    routes.get("/projects/{project}/operations", this::figures);
  }

  private UiResponse figures(UiCall call) {
    Project project = call.project();
    Period period = period(call);
    Optional<Environment> environment = environment(call);
    OperationsFigures figures = reader.figures(project.id(), period, environment);
    return UiResponse.page(
        "operations/figures.jte",
        call.chrome("Operations", Section.OPERATIONS),
        new FiguresPage(
            DAY.format(period.from()),
            DAY.format(period.to().minusMillis(1)),
            environment,
            period.bucket(),
            figures.totals(),
            charts(figures),
            newest(figures.changes(), Change::at),
            newest(figures.incidents(), i -> i.incident().openedAt())));
  }

  /** The one environment the query asks for ({@code environment}), or empty for all. */
  static Optional<Environment> environment(UiCall call) {
    Optional<String> text = call.query("environment").filter(t -> !t.isEmpty());
    try {
      return text.map(Environment::fromWireName);
    } catch (IllegalArgumentException e) {
      throw UiException.badRequest(e.getMessage());
    }
  }

  /** The period the query asks for: {@code bucket} (day), {@code to} (now) and {@code from}. */
  Period period(UiCall call) {
    Bucket bucket;
    try {
      bucket = call.query("bucket").map(Bucket::fromWireName).orElse(Bucket.DAY);
    } catch (IllegalArgumentException e) {
      throw UiException.badRequest(e.getMessage());
    }
    /* The form's dates are days shown in full: a date given as to ends the period at its end. */
    Instant to =
        call.query("to")
            .map(
                t ->
                    t.length() == DATE_LENGTH
                        ? time("to", t).plus(Duration.ofDays(1))
                        : time("to", t))
            .orElseGet(() -> clock.instant().truncatedTo(ChronoUnit.MILLIS));
    Instant from =
        call.query("from")
            .map(t -> time("from", t))
            .orElseGet(() -> to.minus(OperationsApi.DEFAULT_PERIOD));
    if (!from.isBefore(to)) {
      throw UiException.badRequest("from (" + from + ") must be before to (" + to + ")");
    }
    Period period = new Period(from, to, bucket);
    if (period.bucketCount() > OperationsApi.MAX_BUCKETS) {
      throw UiException.badRequest(
          "the period spans "
              + period.bucketCount()
              + " "
              + bucket.wireName()
              + " buckets; at most "
              + OperationsApi.MAX_BUCKETS
              + " are shown: narrow it or choose weeks");
    }
    return period;
  }

  private static Instant time(String field, String text) {
    try {
      return OperationsApi.parseTime(text);
    } catch (DateTimeParseException e) {
      throw UiException.badRequest(
          field
              + " must be a date such as 2026-11-02 or an instant such as 2026-11-02T10:00:00Z,"
              + " not '"
              + text
              + "'");
    }
  }

  /* One chart per figure; buckets without a figure are gaps. */
  static Map<String, String> charts(OperationsFigures figures) {
    List<BucketFigures> buckets = figures.buckets();
    List<String> days = buckets.stream().map(b -> DAY.format(b.start())).toList();
    Map<String, String> charts = new LinkedHashMap<>();

    TreeSet<String> environments =
        new TreeSet<>(figures.totals().deploymentsByEnvironment().keySet());
    Map<String, List<Double>> deployments = new LinkedHashMap<>();
    if (environments.isEmpty()) {
      deployments.put("deployments", perBucket(buckets, f -> (double) f.deployments()));
    }
    for (String environment : environments) {
      deployments.put(
          environment,
          perBucket(
              buckets, f -> (double) f.deploymentsByEnvironment().getOrDefault(environment, 0)));
    }
    charts.put("deployments", Charts.bars("Deployments", days, deployments));

    charts.put(
        "lead-time",
        Charts.lines(
            "Lead time from data to deployment (median)",
            "hours",
            List.of(series("lead time", buckets, f -> hours(f.leadTime().median())))));
    charts.put(
        "change-failure",
        Charts.lines(
            "Change failure rate",
            "%",
            List.of(
                series(
                    "change failure rate",
                    buckets,
                    f ->
                        f.changeFailureRate().isPresent()
                            ? f.changeFailureRate().getAsDouble() * 100
                            : null))));
    charts.put(
        "incidents",
        Charts.lines(
            "Time to detect and to recover (median)",
            "minutes",
            List.of(
                series("time to detect", buckets, f -> minutes(f.timeToDetect().median())),
                series("time to recover", buckets, f -> minutes(f.timeToRecover().median())))));
    Map<String, List<Double>> actions = new LinkedHashMap<>();
    actions.put("automated", perBucket(buckets, f -> (double) f.actions().automated()));
    actions.put("manual", perBucket(buckets, f -> (double) f.actions().manual()));
    charts.put("actions", Charts.bars("Actions: automated and manual", days, actions));
    return charts;
  }

  private static List<Double> perBucket(
      List<BucketFigures> buckets, Function<Figures, Double> figure) {
    return buckets.stream().map(b -> figure.apply(b.figures())).toList();
  }

  private static Charts.Series series(
      String name, List<BucketFigures> buckets, Function<Figures, Double> figure) {
    List<Charts.Point> points = new ArrayList<>();
    for (BucketFigures b : buckets) {
      points.add(new Charts.Point(b.start(), figure.apply(b.figures())));
    }
    return new Charts.Series(name, points);
  }

  private static Double hours(OptionalDouble seconds) {
    return seconds.isPresent() ? seconds.getAsDouble() / 3600 : null;
  }

  private static Double minutes(OptionalDouble seconds) {
    return seconds.isPresent() ? seconds.getAsDouble() / 60 : null;
  }

  private static <T> List<T> newest(List<T> items, Function<T, Instant> at) {
    List<T> sorted = new ArrayList<>(items);
    sorted.sort((a, b) -> at.apply(b).compareTo(at.apply(a)));
    return sorted.subList(0, Math.min(MAX_LISTED, sorted.size()));
  }
}
