package dev.tend.tracking;

import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.store.Page;
import java.util.List;
import java.util.Optional;

/**
 * Experiments and runs with their metrics, params, tags and inputs: the store behind Tend's
 * MLflow-compatible tracking API. Rules and limits are MLflow 2.17's ({@link TrackingRules});
 * breaking one is an {@link IllegalArgumentException}, a missing experiment or run a {@link
 * dev.tend.store.NotFoundException}, a taken experiment name a {@link
 * dev.tend.store.ConflictException}. Each call is one transaction, so a rejected batch leaves
 * nothing behind. Experiment changes and run deletions are audited; logged data is not.
 * Thread-safe.
 */
public interface TrackingRepository {
  /** The id of the experiment MLflow clients use when they name none. */
  long DEFAULT_EXPERIMENT_ID = 0;

  /** The name of the default experiment. */
  String DEFAULT_EXPERIMENT_NAME = "Default";

  /** The run tag holding a run's name. */
  String RUN_NAME_TAG = "mlflow.runName";

  /**
   * The run tag naming the Tend dataset version a run read: {@code dataset@version} in the
   * experiment's project, or {@code project/dataset@version}.
   */
  String DATASET_TAG = "tend.dataset";

  /** The kind under which runs appear in a dataset version's usages. */
  String USAGE_KIND = "run";

  /** The tracking data of {@code database}. */
  static TrackingRepository of(Database database) {
    return new JdbiTrackingRepository(database);
  }

  /**
   * Creates an experiment in a project. Without an artifact location it gets {@code
   * mlflow-artifacts:/<id>}.
   */
  Experiment createExperiment(
      String projectId,
      String name,
      Optional<String> artifactLocation,
      List<KeyValue> tags,
      String actor);

  /**
   * The experiment named {@code name} in {@code projectId}, created with {@code tags} when it does
   * not exist yet; a concurrent creation by another process is fine.
   *
   * @throws IllegalArgumentException when another project has an experiment of that name
   */
  default Experiment ensureExperiment(
      String projectId, String name, List<KeyValue> tags, String actor) {
    Optional<Experiment> existing = experimentByName(name);
    if (existing.isEmpty()) {
      try {
        return createExperiment(projectId, name, Optional.empty(), tags, actor);
      } catch (ConflictException e) {
        existing = Optional.of(experimentByName(name).orElseThrow(() -> e));
      }
    }
    if (!existing.get().projectId().equals(projectId)) {
      throw new IllegalArgumentException(
          "the experiment name '" + name + "' is taken by another project");
    }
    return existing.get();
  }

  /** The default experiment (id 0), created in {@code projectId} when it does not exist yet. */
  Experiment ensureDefaultExperiment(String projectId);

  Optional<Experiment> experiment(long id);

  Optional<Experiment> experimentByName(String name);

  /** Experiments matching a search, a page at a time. */
  Page<Experiment> searchExperiments(ExperimentSearch search);

  /** Renames an active experiment. */
  Experiment renameExperiment(long id, String newName, String actor);

  /** Marks an experiment and its runs deleted. */
  void deleteExperiment(long id, String actor);

  /** Restores a deleted experiment and its runs. */
  void restoreExperiment(long id, String actor);

  /** Sets (or replaces) a tag of an active experiment. */
  void setExperimentTag(long id, String key, String value);

  /** Starts a run in an active experiment. */
  RunInfo createRun(NewRun run);

  Optional<Run> run(String runId);

  /** A run's metadata alone, without its data. */
  Optional<RunInfo> runInfo(String runId);

  /** Changes an active run's status, end time or name; absent fields stay. */
  RunInfo updateRun(
      String runId, Optional<RunStatus> status, Optional<Long> endTime, Optional<String> runName);

  void deleteRun(String runId, String actor);

  void restoreRun(String runId, String actor);

  /**
   * Logs metrics, params and tags to an active run at once: all or nothing. A param already logged
   * with another value is refused.
   */
  void logBatch(String runId, List<Metric> metrics, List<KeyValue> params, List<KeyValue> tags);

  /** Deletes a tag of an active run. */
  void deleteTag(String runId, String key);

  /** Records datasets an active run read; those of source type {@code tend} are linked. */
  void logInputs(String runId, List<RunInput> inputs);

  /** Every logged point of one metric of a run, by step then timestamp. */
  Page<Metric> metricHistory(String runId, String key, Optional<String> pageToken, int maxResults);

  /** Runs matching a search, with their data, a page at a time. */
  Page<Run> searchRuns(RunSearch search);
}
