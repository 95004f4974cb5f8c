package dev.tend.server.deployments;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.evaluation.BinaryEvaluation;
import dev.tend.evaluation.MulticlassEvaluation;
import dev.tend.evaluation.RegressionAccumulator;
import dev.tend.evaluation.RegressionMetrics;
import dev.tend.feedback.Feedback;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.feedback.LabelledPrediction;
import dev.tend.server.feedback.LabelledPredictions;
import dev.tend.server.serving.TrafficObserver.Role;
import dev.tend.serving.log.PredictionRecord;
import dev.tend.train.Evaluation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quality of a version from the feedback received on its logged predictions: reads a window's
 * predictions through {@link LabelledPredictions}, keeps those the version answered in the asked
 * role (model name and version number of the record, role from its environment's suffix) that have
 * a label, and computes the metric with tend-core's evaluation code under tend-train's metric names
 * ({@code accuracy}, {@code f1}, {@code roc_auc}, {@code log_loss}, {@code f1_macro}, {@code rmse},
 * {@code mae}, {@code r2}, {@code mape}, ...). A window's figures are computed for every version at
 * once and kept for {@link #CACHE_TTL}, so the stable and the candidate, and a controller asking
 * again, read the log once per window. Thread-safe.
 */
public final class FeedbackRolloutQuality implements RolloutQuality {
  /** Predictions read per query of the log. */
  public static final int PAGE = 10_000;

  /** The most predictions of one deployment read for one window; later ones are not counted. */
  public static final int MAX_PREDICTIONS = 200_000;

  /** How long a window's figures are kept before the log is read again. */
  public static final Duration CACHE_TTL = Duration.ofMinutes(1);

  static final int MAX_CACHED = 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LabelledPredictions labelled;
  private final RegistryRepository registry;
  private final int page;
  private final Map<String, Optional<ModelVersion>> versions = new ConcurrentHashMap<>();
  private final Map<WindowKey, Cached> cache = new LinkedHashMap<>(16, 0.75f, true);

  public FeedbackRolloutQuality(LabelledPredictions labelled, RegistryRepository registry) {
    this(labelled, registry, PAGE);
  }

  FeedbackRolloutQuality(LabelledPredictions labelled, RegistryRepository registry, int page) {
    this.labelled = requireNonNull(labelled, "labelled is null");
    this.registry = requireNonNull(registry, "registry is null");
    if (page < 1) {
      throw new IllegalArgumentException("page must be at least 1, got " + page);
    }
    this.page = page;
  }

  @Override
  public Optional<Figure> figure(
      String deployment, String versionId, Role role, String metric, Instant from, Instant to) {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(versionId, "versionId is null");
    requireNonNull(role, "role is null");
    requireNonNull(metric, "metric is null");
    Optional<ModelVersion> version = versions.computeIfAbsent(versionId, registry::versionById);
    if (version.isEmpty()) {
      return Optional.empty();
    }
    Answerer answerer =
        new Answerer(version.get().modelName(), Integer.toString(version.get().version()), role);
    WindowKey key = new WindowKey(deployment, from, to, metric.toLowerCase(Locale.ROOT));
    Map<Answerer, Figure> figures;
    synchronized (cache) {
      Cached cached = cache.get(key);
      figures =
          cached != null && System.nanoTime() - cached.computedAt < CACHE_TTL.toNanos()
              ? cached.figures
              : null;
    }
    if (figures == null) {
      figures = read(key);
      synchronized (cache) {
        cache.put(key, new Cached(figures, System.nanoTime()));
        Iterator<WindowKey> eldest = cache.keySet().iterator();
        while (cache.size() > MAX_CACHED) {
          eldest.next();
          eldest.remove();
        }
      }
    }
    return Optional.ofNullable(figures.get(answerer));
  }

  /*
   * The metric of every version and role with labelled predictions in the window. Pages start at
   * the last page's final instant; the records of that instant read already are skipped (so more
   * than a page of records at one microsecond would leave the rest of that instant unread).
   */
  private Map<Answerer, Figure> read(WindowKey key) {
    Map<Answerer, List<Labelled>> byAnswerer = new HashMap<>();
    Instant from = key.from();
    Set<String> readAtFrom = new HashSet<>();
    int counted = 0;
    pages:
    while (true) {
      List<LabelledPrediction> read = labelled.between(key.deployment(), from, key.to(), page);
      Instant last = from;
      Set<String> readAtLast = new HashSet<>();
      int fresh = 0;
      for (LabelledPrediction p : read) {
        PredictionRecord r = p.prediction();
        String id = r.predictionId() + '\0' + r.environment() + '\0' + r.modelVersion();
        if (r.timestamp().equals(from) && readAtFrom.contains(id)) {
          continue;
        }
        fresh++;
        if (!r.timestamp().equals(last)) {
          last = r.timestamp();
          readAtLast = new HashSet<>();
        }
        readAtLast.add(id);
        Optional<Role> role = role(r.environment());
        if (p.label().isPresent() && role.isPresent()) {
          Optional<JsonNode> outputs = parse(r.outputs());
          if (outputs.isPresent()) {
            byAnswerer
                .computeIfAbsent(
                    new Answerer(r.modelName(), r.modelVersion(), role.get()),
                    a -> new ArrayList<>())
                .add(new Labelled(outputs.get(), p.label().get()));
          }
        }
        if (++counted >= MAX_PREDICTIONS) {
          break pages;
        }
      }
      if (read.size() < page || fresh == 0) {
        break;
      }
      if (last.equals(from)) {
        readAtFrom.addAll(readAtLast);
      } else {
        readAtFrom = readAtLast;
        from = last;
      }
    }
    Map<Answerer, Figure> figures = new HashMap<>();
    byAnswerer.forEach(
        (answerer, rows) -> metric(key.metric(), rows).ifPresent(f -> figures.put(answerer, f)));
    return figures;
  }

  /** The role a record's environment names: no suffix, {@code .candidate} or {@code .shadow}. */
  static Optional<Role> role(String environment) {
    int dot = environment.indexOf('.');
    if (dot < 0) {
      return Optional.of(Role.STABLE);
    }
    return switch (environment.substring(dot + 1)) {
      case "candidate" -> Optional.of(Role.CANDIDATE);
      case "shadow" -> Optional.of(Role.SHADOW);
      default -> Optional.empty();
    };
  }

  /**
   * The metric over labelled predictions of one version, by the task their outputs show: {@code
   * value} is a regression, {@code probability} with {@code label} binary, {@code
   * probability_<class>} multiclass. Predictions whose label does not fit the task are left out.
   */
  public static Optional<Figure> metric(String metric, List<Labelled> rows) {
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    JsonNode first = rows.getFirst().outputs();
    SortedMap<String, Double> metrics;
    int used;
    if (first.path("value").isNumber()) {
      double[] actual = new double[rows.size()];
      double[] predicted = new double[rows.size()];
      used = 0;
      for (Labelled row : rows) {
        JsonNode value = row.outputs().path("value");
        if (value.isNumber()
            && row.label().number().isPresent()
            && Double.isFinite(row.label().number().getAsDouble())) {
          actual[used] = row.label().number().getAsDouble();
          predicted[used++] = value.asDouble();
        }
      }
      if (used == 0) {
        return Optional.empty();
      }
      RegressionMetrics m =
          RegressionAccumulator.evaluate(
              Arrays.copyOf(actual, used), Arrays.copyOf(predicted, used));
      metrics = Evaluation.definedMetrics(m);
      if (metrics.containsKey("rmse")) {
        metrics.put("mse", metrics.get("rmse") * metrics.get("rmse"));
      }
    } else if (first.path("probability").isNumber() && first.has("label")) {
      Binary binary = Binary.of(rows);
      if (binary.used() == 0) {
        return Optional.empty();
      }
      used = binary.used();
      metrics =
          Evaluation.definedMetrics(
              BinaryEvaluation.evaluate(
                  binary.actual(),
                  binary.probabilities(),
                  binary.threshold(),
                  BinaryEvaluation.CALIBRATION_BINS));
    } else {
      List<String> classes = new ArrayList<>();
      first
          .fieldNames()
          .forEachRemaining(
              name -> {
                if (name.startsWith("probability_")) {
                  classes.add(name.substring("probability_".length()));
                }
              });
      if (classes.isEmpty()) {
        return Optional.empty();
      }
      int[] actual = new int[rows.size()];
      double[][] probabilities = new double[rows.size()][];
      used = 0;
      for (Labelled row : rows) {
        int c = classes.indexOf(text(row.label()));
        double[] p = new double[classes.size()];
        boolean complete = c >= 0;
        for (int k = 0; k < p.length && complete; k++) {
          JsonNode v = row.outputs().path("probability_" + classes.get(k));
          complete = v.isNumber();
          p[k] = v.asDouble();
        }
        if (complete) {
          actual[used] = c;
          probabilities[used++] = p;
        }
      }
      if (used == 0) {
        return Optional.empty();
      }
      metrics =
          Evaluation.definedMetrics(
              MulticlassEvaluation.evaluate(
                  Arrays.copyOf(actual, used), Arrays.copyOf(probabilities, used)));
    }
    String name = metric.equals("logloss") ? "log_loss" : metric;
    Double value = metrics.get(name);
    return value == null || !Double.isFinite(value)
        ? Optional.empty()
        : Optional.of(new Figure(value, used));
  }

  /*
   * Binary predictions: the positive class is the label answered for the highest probability
   * (Tend's binary models answer "true" and "false"), the threshold the highest probability
   * answered with the other label, so accuracy, precision, recall and F1 count the answers clients
   * received. A label counts when it is a boolean, 0 or 1, or the text of either class.
   */
  private record Binary(boolean[] actual, double[] probabilities, double threshold, int used) {
    static Binary of(List<Labelled> rows) {
      String highest = null;
      String lowest = null;
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      for (Labelled row : rows) {
        double p = row.outputs().path("probability").asDouble(Double.NaN);
        String label = row.outputs().path("label").asText();
        if (p > max) {
          max = p;
          highest = label;
        }
        if (p < min) {
          min = p;
          lowest = label;
        }
      }
      String positive = highest;
      String negative = lowest != null && !lowest.equals(highest) ? lowest : null;
      if (negative == null && isFalse(positive)) {
        negative = positive;
        positive = null;
      }
      double threshold = BinaryEvaluation.THRESHOLD;
      if (positive != null && negative != null) {
        threshold = 0;
        for (Labelled row : rows) {
          double p = row.outputs().path("probability").asDouble(Double.NaN);
          if (negative.equals(row.outputs().path("label").asText()) && p > threshold) {
            threshold = Math.min(1, p);
          }
        }
      }
      boolean[] actual = new boolean[rows.size()];
      double[] probabilities = new double[rows.size()];
      int used = 0;
      for (Labelled row : rows) {
        double p = row.outputs().path("probability").asDouble(Double.NaN);
        String label = text(row.label());
        Boolean positiveLabel =
            isTrue(label) || label.equals(positive)
                ? Boolean.TRUE
                : isFalse(label) || label.equals(negative) ? Boolean.FALSE : null;
        if (positiveLabel != null && p >= 0 && p <= 1) {
          actual[used] = positiveLabel;
          probabilities[used++] = p;
        }
      }
      return new Binary(
          Arrays.copyOf(actual, used), Arrays.copyOf(probabilities, used), threshold, used);
    }

    private static boolean isTrue(String text) {
      return text.equalsIgnoreCase("true") || text.equals("1") || text.equals("1.0");
    }

    private static boolean isFalse(String text) {
      return text != null
          && (text.equalsIgnoreCase("false") || text.equals("0") || text.equals("0.0"));
    }
  }

  /* A label's value as text: a string's content, a number's or boolean's JSON text. */
  private static String text(Feedback label) {
    String value = label.value();
    if (value.startsWith("\"")) {
      try {
        return JSON.readValue(value, String.class);
      } catch (JsonProcessingException e) {
        return value;
      }
    }
    return value;
  }

  private static Optional<JsonNode> parse(String outputs) {
    try {
      JsonNode node = JSON.readTree(outputs);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** A logged prediction's outputs with its label. */
  public record Labelled(JsonNode outputs, Feedback label) {
    public Labelled {
      requireNonNull(outputs, "outputs is null");
      requireNonNull(label, "label is null");
    }
  }

  /* Who answered: the model's name and version number as logged, and the role. */
  private record Answerer(String model, String version, Role role) {}

  private record WindowKey(String deployment, Instant from, Instant to, String metric) {}

  private record Cached(Map<Answerer, Figure> figures, long computedAt) {}
}
