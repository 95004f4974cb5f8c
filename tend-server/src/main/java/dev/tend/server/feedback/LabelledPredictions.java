package dev.tend.server.feedback;

import static java.util.Objects.requireNonNull;

import dev.tend.feedback.Feedback;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionQuery;
import dev.tend.serving.log.PredictionRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Joins logged predictions with their feedback by prediction id, for monitoring and the predictions
 * route. The predictions come from the log (DuckDB over the Parquet partitions of the deployment
 * and dates asked for, plus the write-ahead log); their feedback is then read from the metadata
 * database by those ids, through its primary key, so the cost follows the predictions read and not
 * all the feedback ever received. Thread-safe.
 */
public final class LabelledPredictions {
  private final PredictionLog log;
  private final FeedbackRepository feedback;

  public LabelledPredictions(PredictionLog log, FeedbackRepository feedback) {
    this.log = requireNonNull(log, "log is null");
    this.feedback = requireNonNull(feedback, "feedback is null");
  }

  /**
   * The predictions of {@code deployment} answered in {@code [from, to)}, earliest first (by time,
   * then id), at most {@code limit}, each with its feedback. Page through a window larger than
   * {@code limit} by asking again from the last prediction's time.
   */
  public List<LabelledPrediction> between(String deployment, Instant from, Instant to, int limit) {
    return join(log.query(PredictionQuery.of(deployment, from, to, limit)));
  }

  /** {@code predictions} in the same order, each with its feedback. */
  public List<LabelledPrediction> join(List<PredictionRecord> predictions) {
    Set<String> ids = new LinkedHashSet<>();
    predictions.forEach(p -> ids.add(p.predictionId()));
    Map<String, List<Feedback>> received = feedback.forPredictions(ids);
    List<LabelledPrediction> joined = new ArrayList<>(predictions.size());
    for (PredictionRecord prediction : predictions) {
      Optional<Feedback> label = Optional.empty();
      Map<String, Feedback> outcomes = new HashMap<>();
      for (Feedback f : received.getOrDefault(prediction.predictionId(), List.of())) {
        if (f.name().equals(Feedback.LABEL)) {
          label = Optional.of(f);
        } else {
          outcomes.put(f.name(), f);
        }
      }
      joined.add(new LabelledPrediction(prediction, label, outcomes));
    }
    return joined;
  }
}
