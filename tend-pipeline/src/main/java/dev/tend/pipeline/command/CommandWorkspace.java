package dev.tend.pipeline.command;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The work folder of one attempt of a {@code command} step, and the file contract between Tend and
 * the program the step runs. {@link #prepare} lays the folder out before the program starts; {@link
 * #environment} gives the program's whole environment; {@link #verifyOutputs} checks, after the
 * program exited with status 0, that it wrote what the step declares.
 *
 * <p>The contract (also in {@code docs/pipelines.md}):
 *
 * <ul>
 *   <li>{@code <work>/params.json}: {@code {"pipeline": name, "run_id": id, "step_id": id,
 *       "attempt": n, "seed": n, "params": {name: value}}}; {@code seed} only when the step has
 *       one, parameter values as JSON strings, numbers or booleans.
 *   <li>{@code <work>/inputs/<name>/}: each input, materialized before the program starts (a
 *       dataset version as {@code data.csv} with a header row plus its original files under {@code
 *       files/}; a model from an earlier step as its folder). {@code <work>/inputs.json} describes
 *       them: {@code {"<name>": {"kind": "dataset"|"model"|"file", "path": "<absolute path>",
 *       "ref": "flights@3", ...}}}.
 *   <li>{@code <work>/outputs/}: empty when the program starts; the program writes each declared
 *       output there, at the path the step declares. An output named {@code model} must be a
 *       non-empty folder (for example {@code outputs/model/model.json} written by XGBoost); one
 *       named {@code metrics} must be a JSON object of metric name to finite number; any other
 *       output must exist. Declared paths are relative and stay inside {@code outputs/}: no {@code
 *       ..}, no absolute paths, no symbolic links that lead out.
 *   <li>The working directory is the pipeline's own folder (chosen by the caller), so scripts named
 *       relatively are found there.
 *   <li>The environment holds only {@code PATH}, {@code HOME}, {@code LANG} and {@code TZ} from the
 *       parent ({@code PATH} defaults to {@code /usr/local/bin:/usr/bin:/bin}, {@code LANG} to
 *       {@code C.UTF-8}, {@code TZ} to {@code UTC}), {@code PYTHONUNBUFFERED=1} (so Python's output
 *       arrives line by line), {@code TEND_WORK}, {@code TEND_PARAMS} (params.json), {@code
 *       TEND_INPUTS} (inputs.json), {@code TEND_OUTPUTS} (the outputs folder), {@code TEND_RUN_ID},
 *       {@code TEND_STEP_ID}, {@code TEND_SEED} (when there is a seed), then the step's own {@code
 *       env}, which may override the inherited names but not the {@code TEND_} ones. Nothing else
 *       leaks: no server tokens, no database settings.
 * </ul>
 *
 * <p>Instances are immutable; {@link #verifyOutputs} reads the disk each time it is called.
 */
public final class CommandWorkspace {
  public static final String PARAMS_FILE = "params.json";
  public static final String INPUTS_FILE = "inputs.json";
  public static final String INPUTS_DIR = "inputs";
  public static final String OUTPUTS_DIR = "outputs";

  /** The output name whose content must be a non-empty folder. */
  public static final String MODEL_OUTPUT = "model";

  /** The output name whose content must be a JSON object of metric name to finite number. */
  public static final String METRICS_OUTPUT = "metrics";

  /** Largest metrics file read, in bytes. */
  static final long MAX_METRICS_BYTES = 1 << 20;

  private static final String CONTRACT =
      "the file contract: a command writes each declared output under $TEND_OUTPUTS; see"
          + " docs/pipelines.md";

  private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "TZ");
  private static final Set<String> RESERVED =
      Set.of(
          "TEND_WORK",
          "TEND_PARAMS",
          "TEND_INPUTS",
          "TEND_OUTPUTS",
          "TEND_RUN_ID",
          "TEND_STEP_ID",
          "TEND_SEED");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private static final ObjectMapper WRITER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final ObjectMapper METRICS_READER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final Path work;
  private final CommandParams params;
  private final Map<String, String> declaredOutputs;

  private CommandWorkspace(Path work, CommandParams params, Map<String, String> declaredOutputs) {
    this.work = work;
    this.params = params;
    this.declaredOutputs = declaredOutputs;
  }

  /**
   * Lays out {@code work} for one attempt: writes {@code params.json} and {@code inputs.json},
   * creates {@code inputs/} and an empty {@code outputs/} (emptying one an earlier attempt left).
   * The inputs must already exist on disk.
   *
   * @param declaredOutputs output name to path relative to {@code outputs/}, as the step declares
   * @throws CommandContractException when a declared output path leaves {@code outputs/}
   */
  public static CommandWorkspace prepare(
      Path work,
      CommandParams params,
      List<CommandInput> inputs,
      Map<String, String> declaredOutputs) {
    requireNonNull(work, "work is null");
    requireNonNull(params, "params is null");
    requireNonNull(inputs, "inputs is null");
    Map<String, String> outputs = checkDeclaredOutputs(declaredOutputs);
    Map<String, Object> described = new LinkedHashMap<>();
    for (CommandInput input : inputs) {
      if (described.containsKey(input.name())) {
        throw new IllegalArgumentException("input '" + input.name() + "' is given twice");
      }
      if (!Files.exists(input.path())) {
        throw new IllegalArgumentException(
            "input '" + input.name() + "' is not on disk at " + input.path());
      }
      described.put(input.name(), describe(input));
    }
    Path absolute = work.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute.resolve(INPUTS_DIR));
      Path outputsDir = absolute.resolve(OUTPUTS_DIR);
      if (Files.isDirectory(outputsDir, LinkOption.NOFOLLOW_LINKS)) {
        emptyFolder(outputsDir);
      } else {
        Files.deleteIfExists(outputsDir);
        Files.createDirectory(outputsDir);
      }
      WRITER.writeValue(absolute.resolve(PARAMS_FILE).toFile(), paramsJson(params));
      WRITER.writeValue(absolute.resolve(INPUTS_FILE).toFile(), described);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the work folder " + absolute, e);
    }
    return new CommandWorkspace(absolute, params, outputs);
  }

  /**
   * Checks a step's declared outputs (name to path relative to {@code outputs/}) and returns them
   * normalized, in the same order; callers may use it to reject a step before running anything.
   *
   * @throws CommandContractException naming the output whose path is not allowed
   */
  public static Map<String, String> checkDeclaredOutputs(Map<String, String> declared) {
    requireNonNull(declared, "declared outputs are null");
    Map<String, String> normalized = new LinkedHashMap<>();
    for (Map.Entry<String, String> output : declared.entrySet()) {
      String name = output.getKey();
      try {
        Names.check("output", name);
      } catch (IllegalArgumentException e) {
        throw new CommandContractException(e.getMessage());
      }
      normalized.put(name, checkRelative(name, requireNonNull(output.getValue(), "path is null")));
    }
    return normalized;
  }

  private static String checkRelative(String name, String text) {
    String problem = null;
    Path path = null;
    if (text.isBlank()) {
      problem = "is empty";
    } else if (text.startsWith("/")) {
      problem = "is absolute";
    } else {
      try {
        path = Path.of(text);
      } catch (InvalidPathException e) {
        problem = "is not a valid path";
      }
    }
    if (path != null) {
      for (Path part : path) {
        if (part.toString().equals("..")) {
          problem = "goes up with '..'";
        }
      }
      if (problem == null && path.normalize().toString().isEmpty()) {
        problem = "names outputs/ itself";
      }
    }
    if (problem != null) {
      throw new CommandContractException(
          "output '"
              + name
              + "' is declared at '"
              + text
              + "', which "
              + problem
              + "; declare a path inside outputs/, such as '"
              + (name.equals(METRICS_OUTPUT) ? "metrics.json" : name)
              + "'");
    }
    return path.normalize().toString();
  }

  private static Map<String, Object> paramsJson(CommandParams params) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("pipeline", params.pipeline());
    json.put("run_id", params.runId());
    json.put("step_id", params.stepId());
    json.put("attempt", params.attempt());
    params.seed().ifPresent(seed -> json.put("seed", seed));
    json.put("params", params.params());
    return json;
  }

  private static Map<String, Object> describe(CommandInput input) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", input.kind().label());
    json.put("path", input.path().toString());
    input.ref().ifPresent(ref -> json.put("ref", ref));
    json.putAll(input.properties());
    return json;
  }

  private static void emptyFolder(Path folder) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path entry : entries) {
        deleteTree(entry);
      }
    }
  }

  /** Deletes a file or folder without following symbolic links. */
  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  public Path work() {
    return work;
  }

  public Path paramsFile() {
    return work.resolve(PARAMS_FILE);
  }

  public Path inputsFile() {
    return work.resolve(INPUTS_FILE);
  }

  public Path inputsDir() {
    return work.resolve(INPUTS_DIR);
  }

  public Path outputsDir() {
    return work.resolve(OUTPUTS_DIR);
  }

  /** The declared outputs, normalized: name to path relative to {@code outputs/}. */
  public Map<String, String> declaredOutputs() {
    return declaredOutputs;
  }

  /**
   * The program's whole environment: the few inherited names from {@code parent} (pass {@code
   * System.getenv()}), the contract's {@code TEND_} variables, then {@code stepEnv}.
   *
   * @throws CommandContractException when {@code stepEnv} sets a {@code TEND_} contract variable or
   *     a name or value the operating system cannot hold
   */
  public Map<String, String> environment(Map<String, String> parent, Map<String, String> stepEnv) {
    requireNonNull(parent, "parent is null");
    requireNonNull(stepEnv, "stepEnv is null");
    Map<String, String> env = new TreeMap<>();
    for (String name : INHERITED) {
      String value = parent.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.putIfAbsent("LANG", "C.UTF-8");
    env.putIfAbsent("TZ", "UTC");
    env.put("PYTHONUNBUFFERED", "1");
    env.put("TEND_WORK", work.toString());
    env.put("TEND_PARAMS", paramsFile().toString());
    env.put("TEND_INPUTS", inputsFile().toString());
    env.put("TEND_OUTPUTS", outputsDir().toString());
    env.put("TEND_RUN_ID", params.runId());
    env.put("TEND_STEP_ID", params.stepId());
    params.seed().ifPresent(seed -> env.put("TEND_SEED", Long.toString(seed)));
    for (Map.Entry<String, String> entry : stepEnv.entrySet()) {
      String name = entry.getKey();
      String value = requireNonNull(entry.getValue(), "env value is null");
      if (RESERVED.contains(name)) {
        throw new CommandContractException(
            "env sets " + name + ", which Tend sets for every command; choose another name");
      }
      if (!ENV_NAME.matcher(name).matches()) {
        throw new CommandContractException(
            "env name '"
                + name
                + "' is not allowed: use letters, digits and '_', not first a digit");
      }
      if (value.indexOf('\0') >= 0) {
        throw new CommandContractException("env " + name + " holds a NUL character");
      }
      env.put(name, value);
    }
    return env;
  }

  /**
   * Checks what the program left in {@code outputs/} against the declared outputs.
   *
   * @return each output's real path and the metrics read from the {@code metrics} output
   * @throws CommandContractException naming the first output that breaks the contract
   */
  public CommandOutputs verifyOutputs() {
    Path root;
    try {
      root = outputsDir().toRealPath();
    } catch (IOException e) {
      throw new CommandContractException(
          "the outputs folder " + outputsDir() + " is gone (" + CONTRACT + ")");
    }
    Map<String, Path> paths = new LinkedHashMap<>();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, String> output : declaredOutputs.entrySet()) {
      String name = output.getKey();
      String where = OUTPUTS_DIR + "/" + output.getValue();
      Path path = outputsDir().resolve(output.getValue());
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        throw new CommandContractException(
            "the command wrote no '" + name + "' at " + where + " (" + CONTRACT + ")");
      }
      Path real = realInside(root, path, "'" + name + "' at " + where);
      switch (name) {
        case MODEL_OUTPUT -> checkModel(root, real, where);
        case METRICS_OUTPUT -> metrics.putAll(readMetrics(real, where));
        default -> {
          if (Files.isDirectory(real)) {
            checkLinksInside(root, real, "'" + name + "' at " + where);
          }
        }
      }
      paths.put(name, real);
    }
    return new CommandOutputs(paths, metrics);
  }

  private static Path realInside(Path root, Path path, String what) {
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new CommandContractException(
          what + " is a symbolic link to nothing (" + CONTRACT + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    if (!real.startsWith(root)) {
      throw new CommandContractException(
          what
              + " leads to "
              + real
              + ", outside outputs/; outputs must be written inside outputs/, not linked from"
              + " elsewhere");
    }
    return real;
  }

  private static void checkModel(Path root, Path real, String where) {
    if (!Files.isDirectory(real)) {
      throw new CommandContractException(
          "'model' at "
              + where
              + " is a file, but a model is a folder: write for example "
              + where
              + "/model.json ("
              + CONTRACT
              + ")");
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(real)) {
      if (!entries.iterator().hasNext()) {
        throw new CommandContractException(
            "the command left the model folder "
                + where
                + " empty; write the model's files in it ("
                + CONTRACT
                + ")");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + real, e);
    }
    checkLinksInside(root, real, "'model' at " + where);
  }

  /** Rejects symbolic links under {@code folder} that lead outside {@code root} or nowhere. */
  private static void checkLinksInside(Path root, Path folder, String what) {
    try {
      Files.walkFileTree(
          folder,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isSymbolicLink()) {
                realInside(root, file, what + "/" + folder.relativize(file));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + folder, e);
    }
  }

  private static Map<String, Double> readMetrics(Path real, String where) {
    JsonNode root;
    try {
      if (!Files.isRegularFile(real)) {
        throw new CommandContractException(
            "'metrics' at " + where + " is a folder, but metrics are one JSON file");
      }
      if (Files.size(real) > MAX_METRICS_BYTES) {
        throw new CommandContractException(
            "'metrics' at " + where + " is larger than " + MAX_METRICS_BYTES + " bytes");
      }
      root = METRICS_READER.readTree(real.toFile());
    } catch (JsonProcessingException e) {
      throw new CommandContractException(
          "'metrics' at "
              + where
              + " is not valid JSON: "
              + e.getOriginalMessage()
              + "; write a JSON object such as {\"auc\": 0.71}");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + real, e);
    }
    if (root == null || root.isMissingNode()) {
      throw new CommandContractException(
          "'metrics' at "
              + where
              + " holds nothing; write a JSON object of metric name to number such as"
              + " {\"auc\": 0.71}");
    }
    if (!root.isObject()) {
      throw new CommandContractException(
          "'metrics' at "
              + where
              + " holds a JSON "
              + root.getNodeType().name().toLowerCase(Locale.ROOT)
              + "; write a JSON object of metric name to number such as {\"auc\": 0.71}");
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      JsonNode value = field.getValue();
      if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
        throw new CommandContractException(
            "metric '"
                + field.getKey()
                + "' in "
                + where
                + " is "
                + (value.isNumber() ? value.asText() : value.toString())
                + "; every metric must be a finite number");
      }
      if (field.getKey().isBlank()) {
        throw new CommandContractException("a metric in " + where + " has an empty name");
      }
      metrics.put(field.getKey(), value.doubleValue());
    }
    return metrics;
  }
}
