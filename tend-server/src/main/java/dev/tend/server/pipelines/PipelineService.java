package dev.tend.server.pipelines;

import static java.util.Objects.requireNonNull;

import dev.tend.datasets.DatasetRepository;
import dev.tend.pipeline.DatasetRef;
import dev.tend.pipeline.Pipeline;
import dev.tend.pipeline.PipelineException;
import dev.tend.pipeline.PipelineParser;
import dev.tend.pipeline.Step;
import dev.tend.pipelines.NewPipelineRun;
import dev.tend.pipelines.PipelineDefinition;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.pipelines.PipelineRun;
import dev.tend.pipelines.RunTrigger;
import dev.tend.projects.Project;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Checks pipelines and queues their runs: the text must parse, the files it names must come with
 * it, the parameter values must fit their types, and (for runs asked for by a person) the datasets
 * it reads must exist, so that a mistake is refused at once ({@link PipelineRejected}) instead of
 * failing later in the queue. Thread-safe.
 */
public final class PipelineService {
  /** Largest pipeline text, in bytes. */
  public static final int MAX_YAML_BYTES = 256 * 1024;

  /** Most bytes of files sent with a pipeline, all together. */
  public static final int MAX_FILES_BYTES = 2 * 1024 * 1024;

  /** Most files sent with a pipeline. */
  public static final int MAX_FILES = 100;

  private final PipelineRepository repository;
  private final DatasetRepository datasets;

  public PipelineService(PipelineRepository repository, DatasetRepository datasets) {
    this.repository = requireNonNull(repository, "repository is null");
    this.datasets = requireNonNull(datasets, "datasets is null");
  }

  /** A pipeline, its files or its parameter values refused; {@code field} names what is wrong. */
  public static final class PipelineRejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    PipelineRejected(String field, String message) {
      super(message);
      this.field = field;
    }

    /** The request field at fault: {@code yaml}, {@code files}, {@code params}. */
    public String field() {
      return field;
    }
  }

  public PipelineRepository repository() {
    return repository;
  }

  /** Parses and checks a pipeline and its files without storing anything. */
  public Pipeline check(String yaml, Map<String, String> files, String fileName) {
    if (yaml.getBytes(StandardCharsets.UTF_8).length > MAX_YAML_BYTES) {
      throw new PipelineRejected(
          "yaml", "the pipeline is larger than " + MAX_YAML_BYTES + " bytes");
    }
    checkFiles(files);
    Pipeline pipeline;
    try {
      pipeline = PipelineParser.parse(yaml, fileName);
    } catch (PipelineException e) {
      throw new PipelineRejected("yaml", e.describe());
    }
    for (Step step : pipeline.steps()) {
      if (step.body() instanceof Step.Validate v
          && v.suite().isPresent()
          && !files.containsKey(v.suite().get())) {
        throw new PipelineRejected(
            "files",
            "step '"
                + step.id()
                + "' runs the suite '"
                + v.suite().get()
                + "', which was not sent with the pipeline");
      }
    }
    return pipeline;
  }

  /** Stores a pipeline under its name as the project's next definition version. */
  public PipelineDefinition apply(
      Project project, String yaml, Map<String, String> files, String actor) {
    Pipeline pipeline = check(yaml, files, "pipeline.yaml");
    return repository.apply(project.id(), pipeline.name(), yaml, files, actor);
  }

  /** Queues a run of a stored definition. */
  public PipelineRun run(
      Project project,
      PipelineDefinition definition,
      Map<String, String> params,
      Optional<String> codeVersion,
      RunTrigger trigger,
      String actor) {
    Pipeline pipeline = check(definition.yaml(), definition.files(), definition.name() + ".yaml");
    return enqueue(
        project,
        pipeline,
        definition.yaml(),
        definition.files(),
        OptionalInt.of(definition.version()),
        params,
        codeVersion,
        trigger,
        actor);
  }

  /** Queues a run of a pipeline sent whole. */
  public PipelineRun run(
      Project project,
      String yaml,
      Map<String, String> files,
      Map<String, String> params,
      Optional<String> codeVersion,
      String actor) {
    Pipeline pipeline = check(yaml, files, "pipeline.yaml");
    return enqueue(
        project,
        pipeline,
        yaml,
        files,
        OptionalInt.empty(),
        params,
        codeVersion,
        RunTrigger.manual(),
        actor);
  }

  private PipelineRun enqueue(
      Project project,
      Pipeline pipeline,
      String yaml,
      Map<String, String> files,
      OptionalInt version,
      Map<String, String> params,
      Optional<String> codeVersion,
      RunTrigger trigger,
      String actor) {
    try {
      RunExecution.params(pipeline, params);
    } catch (IllegalArgumentException e) {
      throw new PipelineRejected("params", e.getMessage());
    }
    if (trigger.kind() == RunTrigger.Kind.MANUAL) {
      for (DatasetRef ref : datasetsRead(pipeline)) {
        if (datasets.find(project.id(), ref.name()).isEmpty()) {
          throw new PipelineRejected(
              "yaml",
              "the pipeline reads dataset '"
                  + ref.name()
                  + "', which project '"
                  + project.name()
                  + "' does not have");
        }
      }
    }
    codeVersion.ifPresent(
        c -> {
          if (c.length() > 200 || c.isBlank()) {
            throw new PipelineRejected("code_version", "a code version is 1 to 200 characters");
          }
        });
    List<NewPipelineRun.NewStep> steps = new ArrayList<>();
    for (Step step : pipeline.topologicalOrder()) {
      steps.add(new NewPipelineRun.NewStep(step.id(), step.kind().label()));
    }
    return repository.enqueue(
        new NewPipelineRun(
            project.id(),
            pipeline.name(),
            version,
            yaml,
            files,
            params,
            trigger,
            codeVersion,
            steps,
            actor));
  }

  static List<DatasetRef> datasetsRead(Pipeline pipeline) {
    List<DatasetRef> refs = new ArrayList<>();
    for (Step step : pipeline.steps()) {
      switch (step.body()) {
        case Step.Validate v -> refs.add(v.dataset());
        case Step.Train t -> refs.add(t.dataset());
        case Step.Evaluate e -> refs.add(e.dataset());
        default -> {}
      }
    }
    return refs;
  }

  private static void checkFiles(Map<String, String> files) {
    if (files.size() > MAX_FILES) {
      throw new PipelineRejected("files", "at most " + MAX_FILES + " files go with a pipeline");
    }
    long total = 0;
    for (var entry : files.entrySet()) {
      String path = entry.getKey();
      if (!isRelativePath(path)) {
        throw new PipelineRejected(
            "files",
            "'"
                + path
                + "' is not a relative path inside the pipeline's folder (no leading /, no ..,"
                + " no backslash)");
      }
      total += entry.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (total > MAX_FILES_BYTES) {
      throw new PipelineRejected(
          "files", "the files sent with a pipeline hold more than " + MAX_FILES_BYTES + " bytes");
    }
  }

  /** A path like {@code suite.yaml} or {@code scripts/train.py}: relative, normalized, plain. */
  static boolean isRelativePath(String path) {
    if (path.isEmpty() || path.length() > 500 || path.startsWith("/") || path.contains("\\")) {
      return false;
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
      for (int i = 0; i < part.length(); i++) {
        if (Character.isISOControl(part.charAt(i))) {
          return false;
        }
      }
    }
    return true;
  }
}
