package dev.tend.train.model;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.schema.DataType;
import dev.tend.train.TrainException;
import dev.tend.train.preprocess.Input;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model run by ONNX Runtime ({@code model.onnx}), as exported from scikit-learn, PyTorch and
 * others. Its inputs are either one tensor per feature ({@code [N]} or {@code [N,1]}, named after
 * the tensor) or tensors of several features ({@code [N,F]}), whose feature names come from the
 * caller, the metadata property {@code feature_names} (a JSON list) or a {@code features.json}
 * beside the file. A classifier has a label output (int64 or string, {@code [N]}) and a probability
 * output, either a tensor {@code [N,K]} or skl2onnx's sequence of maps ({@code ZipMap}); a
 * regressor one float output ({@code [N]} or {@code [N,1]}). Class names come from the metadata
 * property {@code classes} (a JSON list), the probability maps' keys, else 0..K-1.
 *
 * <p>Thread-safe: ONNX Runtime runs a session from several threads. Close releases the session.
 */
public final class OnnxModel implements Model {
  /** The file name {@link ModelLoader} looks for. */
  public static final String MODEL_FILE = "model.onnx";

  /** Metadata property holding the feature names of {@code [N,F]} inputs, a JSON list. */
  public static final String FEATURE_NAMES = "feature_names";

  /** Metadata property holding the class names in probability order, a JSON list. */
  public static final String CLASSES = "classes";

  private static final ObjectMapper JSON = new ObjectMapper();

  /* One graph input: its feature columns, in tensor order. */
  private record Port(String name, OnnxJavaType type, boolean flat, List<String> columns) {}

  private final OrtSession session;
  private final byte[] bytes;
  private final List<Port> ports;
  private final List<String> wideNames;
  private final Signature signature;
  private final Manifest manifest;
  private final String labelOutput;
  private final String probabilityOutput;
  private final String valueOutput;
  private volatile boolean closed;

  private OnnxModel(
      OrtSession session,
      byte[] bytes,
      List<Port> ports,
      List<String> wideNames,
      Manifest manifest,
      String labelOutput,
      String probabilityOutput,
      String valueOutput) {
    this.session = session;
    this.bytes = bytes;
    this.ports = ports;
    this.wideNames = wideNames;
    this.manifest = manifest;
    this.labelOutput = labelOutput;
    this.probabilityOutput = probabilityOutput;
    this.valueOutput = valueOutput;
    List<Input> inputs = new ArrayList<>();
    for (Port port : ports) {
      for (String column : port.columns()) {
        inputs.add(new Input(column, inputType(port.type())));
      }
    }
    this.signature = new Signature(inputs, XgboostModel.outputs(manifest));
  }

  /**
   * Loads an ONNX model file, with the feature names of its {@code [N,F]} inputs from its metadata
   * or a {@code features.json} beside it.
   *
   * @throws TrainException if the file cannot be read, ONNX Runtime refuses it, or its inputs or
   *     outputs are not a tabular model's
   */
  public static OnnxModel load(Path file) {
    return load(file, Optional.empty());
  }

  /** Loads an ONNX model file whose {@code [N,F]} inputs' features are {@code featureNames}. */
  public static OnnxModel load(Path file, List<String> featureNames) {
    return load(file, Optional.of(List.copyOf(featureNames)));
  }

  private static OnnxModel load(Path file, Optional<List<String>> given) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TrainException("cannot read the ONNX model " + file + ": " + e.getMessage(), e);
    }
    OrtSession session;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // One thread per prediction: serving runs many requests at once on few cores.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      session = environment().createSession(bytes, options);
    } catch (OrtException e) {
      throw new TrainException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
    }
    try {
      Map<String, String> metadata = session.getMetadata().getCustomMetadata();
      List<String> names =
          given
              .or(
                  () ->
                      jsonList(metadata.get(FEATURE_NAMES), file + "'s metadata " + FEATURE_NAMES))
              .or(() -> featuresFile(file.resolveSibling(PythonXgboostModel.FEATURES)))
              .orElse(List.of());
      List<Port> ports = ports(file, session.getInputInfo(), names);
      List<String> wide = new ArrayList<>();
      ports.stream().filter(p -> !p.flat()).forEach(p -> wide.addAll(p.columns()));
      Map<String, NodeInfo> outputs = session.getOutputInfo();
      String label = null;
      String probability = null;
      String value = null;
      for (NodeInfo output : outputs.values()) {
        ValueInfo info = output.getInfo();
        if (info instanceof SequenceInfo s && s.isSequenceOfMaps() && probability == null) {
          probability = output.getName();
        } else if (info instanceof TensorInfo t) {
          boolean numeric = t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE;
          boolean labels =
              t.type == OnnxJavaType.STRING
                  || t.type == OnnxJavaType.INT64
                  || t.type == OnnxJavaType.INT32;
          if (labels && label == null) {
            label = output.getName();
          } else if (numeric && value == null) {
            value = output.getName();
          }
        }
      }
      if (label != null && probability == null && value != null) {
        probability = value;
      }
      OnnxModel model;
      if (label != null && probability != null) {
        List<String> classes = classes(session, file, metadata, ports, probability);
        Task task = classes.size() == 2 ? Task.BINARY : Task.MULTICLASS;
        model =
            new OnnxModel(
                session,
                bytes,
                ports,
                wide,
                manifest(session, file, task, classes),
                label,
                probability,
                null);
      } else if (value != null) {
        long[] shape = ((TensorInfo) outputs.get(value).getInfo()).getShape();
        if (shape.length > 2 || (shape.length == 2 && shape[1] != 1 && shape[1] != -1)) {
          throw new TrainException(
              file
                  + "'s output "
                  + value
                  + " has the shape "
                  + Arrays.toString(shape)
                  + "; a regressor gives one value per row ([N] or [N,1]) and a classifier a"
                  + " label output beside its probabilities");
        }
        model =
            new OnnxModel(
                session,
                bytes,
                ports,
                wide,
                manifest(session, file, Task.REGRESSION, List.of()),
                null,
                null,
                value);
      } else {
        throw new TrainException(
            file
                + "'s outputs "
                + describe(outputs)
                + " are neither a classifier's (a label tensor and probabilities) nor a"
                + " regressor's (a float tensor)");
      }
      return model;
    } catch (OrtException | RuntimeException e) {
      try {
        session.close();
      } catch (OrtException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof TrainException t) {
        throw t;
      }
      throw new TrainException("cannot load the ONNX model " + file + ": " + e.getMessage(), e);
    }
  }

  private static OrtEnvironment environment() {
    try {
      return OrtEnvironment.getEnvironment();
    } catch (UnsatisfiedLinkError e) {
      throw new TrainException(
          "ONNX Runtime's native library does not load on this machine: " + e.getMessage(), e);
    }
  }

  private static List<Port> ports(Path file, Map<String, NodeInfo> inputs, List<String> names) {
    List<Port> ports = new ArrayList<>();
    int next = 0;
    for (NodeInfo input : inputs.values()) {
      if (!(input.getInfo() instanceof TensorInfo tensor)) {
        throw new TrainException(
            file + "'s input " + input.getName() + " is not a tensor: " + input.getInfo());
      }
      inputType(tensor.type, file, input.getName());
      long[] shape = tensor.getShape();
      if (shape.length == 1 || (shape.length == 2 && shape[1] == 1)) {
        ports.add(
            new Port(input.getName(), tensor.type, shape.length == 1, List.of(input.getName())));
        continue;
      }
      if (shape.length != 2 || shape[1] < 1) {
        throw new TrainException(
            file
                + "'s input "
                + input.getName()
                + " has the shape "
                + Arrays.toString(shape)
                + "; Tend feeds [N], [N,1] or [N,F] tensors with a fixed F");
      }
      int width = Math.toIntExact(shape[1]);
      if (names.isEmpty()) {
        throw new TrainException(
            file
                + "'s input "
                + input.getName()
                + " holds "
                + width
                + " features without names: give them, put a JSON list in the model's metadata"
                + " property "
                + FEATURE_NAMES
                + ", or write {\"features\": [...]} to "
                + PythonXgboostModel.FEATURES
                + " beside it");
      }
      if (next + width > names.size()) {
        throw new TrainException(
            file + " has more features than the " + names.size() + " names given: " + names);
      }
      ports.add(
          new Port(
              input.getName(), tensor.type, false, List.copyOf(names.subList(next, next + width))));
      next += width;
    }
    if (!names.isEmpty() && next != names.size()) {
      throw new TrainException(
          file
              + " has "
              + next
              + " features in [N,F] inputs but "
              + names.size()
              + " names: "
              + names);
    }
    return List.copyOf(ports);
  }

  private static DataType inputType(OnnxJavaType type, Path file, String input) {
    return switch (type) {
      case FLOAT, DOUBLE, INT64, INT32, STRING -> inputType(type);
      default ->
          throw new TrainException(
              file
                  + "'s input "
                  + input
                  + " is of type "
                  + type
                  + "; Tend feeds float, double,"
                  + " int32, int64 and string tensors");
    };
  }

  private static DataType inputType(OnnxJavaType type) {
    return switch (type) {
      case INT64, INT32 -> DataType.INTEGER;
      case STRING -> DataType.STRING;
      default -> DataType.DOUBLE;
    };
  }

  /*
   * The metadata's list when there is one; otherwise one prediction on a row of zeros shows the
   * probability maps' keys (sorted, as scikit-learn orders classes) or the tensor's width.
   */
  private static List<String> classes(
      OrtSession session, Path file, Map<String, String> metadata, List<Port> ports, String output)
      throws OrtException {
    Optional<List<String>> listed =
        jsonList(metadata.get(CLASSES), file + "'s metadata " + CLASSES);
    if (listed.isPresent()) {
      return listed.get();
    }
    Map<String, Object> zeros = new HashMap<>();
    ports.forEach(
        p -> p.columns().forEach(c -> zeros.put(c, p.type() == OnnxJavaType.STRING ? "" : 0)));
    Map<String, OnnxTensor> tensors = tensors(ports, List.of(zeros));
    try (OrtSession.Result result = session.run(tensors)) {
      OnnxValue probabilities = result.get(output).orElseThrow();
      if (probabilities instanceof OnnxSequence sequence) {
        OnnxMap first = (OnnxMap) sequence.getValue().get(0);
        List<Object> keys = new ArrayList<>(first.getValue().keySet());
        keys.sort(
            keys.stream().allMatch(k -> k instanceof Long)
                ? Comparator.comparingLong(k -> (Long) k)
                : Comparator.comparing(Object::toString));
        return keys.stream().map(Object::toString).toList();
      }
      int width = rows(probabilities.getValue())[0].length;
      List<String> classes = new ArrayList<>();
      for (int c = 0; c < width; c++) {
        classes.add(Integer.toString(c));
      }
      return classes;
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  private static Manifest manifest(OrtSession session, Path file, Task task, List<String> classes)
      throws OrtException {
    var metadata = session.getMetadata();
    Map<String, String> libraries = new LinkedHashMap<>();
    libraries.put("onnxruntime", environment().getVersion());
    if (!metadata.getProducerName().isEmpty()) {
      libraries.put("producer", metadata.getProducerName());
    }
    return new Manifest(
        Manifest.FORMAT_VERSION,
        task,
        "",
        classes,
        0.5,
        0,
        Map.of(),
        0,
        libraries,
        Map.of("format", "onnx", "model", file.getFileName().toString()));
  }

  private static Optional<List<String>> jsonList(String text, String where) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(text);
      if (!node.isArray()) {
        throw new TrainException(where + " must be a JSON list of names, got " + text);
      }
      List<String> names = new ArrayList<>();
      node.forEach(n -> names.add(n.asText()));
      return Optional.of(List.copyOf(names));
    } catch (IOException e) {
      throw new TrainException(where + " must be a JSON list of names: " + e.getMessage(), e);
    }
  }

  private static Optional<List<String>> featuresFile(Path path) {
    if (!Files.isRegularFile(path)) {
      return Optional.empty();
    }
    try {
      JsonNode features = JSON.readTree(path.toFile()).path("features");
      if (!features.isArray()) {
        throw new TrainException(path + " needs \"features\": a list of column names");
      }
      List<String> names = new ArrayList<>();
      features.forEach(n -> names.add(n.asText()));
      return Optional.of(List.copyOf(names));
    } catch (IOException e) {
      throw new TrainException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static String describe(Map<String, NodeInfo> nodes) {
    List<String> parts = new ArrayList<>();
    nodes.values().forEach(n -> parts.add(n.getName() + " " + n.getInfo()));
    return parts.toString();
  }

  @Override
  public Signature signature() {
    return signature;
  }

  /** The task and classes read from the graph; the label is unknown ({@code ""}). */
  @Override
  public Manifest manifest() {
    return manifest;
  }

  /** The feature names of the {@code [N,F]} inputs, in order. */
  public List<String> featureNames() {
    return wideNames;
  }

  @Override
  public List<Prediction> predict(List<? extends Map<String, ?>> rows) {
    if (closed) {
      throw new IllegalStateException("the ONNX model is closed");
    }
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<String, OnnxTensor> tensors = null;
    try {
      tensors = tensors(ports, rows);
      try (OrtSession.Result result = session.run(tensors)) {
        return predictions(result, rows.size());
      }
    } catch (OrtException e) {
      throw new TrainException("ONNX Runtime failed to predict: " + e.getMessage(), e);
    } finally {
      if (tensors != null) {
        tensors.values().forEach(OnnxTensor::close);
      }
    }
  }

  private List<Prediction> predictions(OrtSession.Result result, int n) throws OrtException {
    List<Prediction> predictions = new ArrayList<>(n);
    if (valueOutput != null) {
      double[][] values = rows(result.get(valueOutput).orElseThrow().getValue());
      for (int r = 0; r < n; r++) {
        predictions.add(new Prediction(values[r][0], Optional.empty(), new double[0]));
      }
      return predictions;
    }
    String[] labels = labels(result.get(labelOutput).orElseThrow().getValue());
    double[][] probabilities = probabilities(result.get(probabilityOutput).orElseThrow());
    List<String> classes = manifest.classes();
    for (int r = 0; r < n; r++) {
      double[] p = probabilities[r];
      int chosen = classes.indexOf(labels[r]);
      double value = manifest.task() == Task.BINARY ? p[1] : chosen >= 0 ? p[chosen] : max(p);
      predictions.add(new Prediction(value, Optional.of(labels[r]), p));
    }
    return predictions;
  }

  private double[][] probabilities(OnnxValue output) throws OrtException {
    if (output instanceof OnnxSequence sequence) {
      List<? extends OnnxValue> maps = sequence.getValue();
      List<String> classes = manifest.classes();
      double[][] rows = new double[maps.size()][];
      for (int r = 0; r < rows.length; r++) {
        Map<String, Object> byClass = new HashMap<>();
        ((OnnxMap) maps.get(r)).getValue().forEach((k, v) -> byClass.put(k.toString(), v));
        rows[r] = new double[classes.size()];
        for (int c = 0; c < classes.size(); c++) {
          Object p = byClass.get(classes.get(c));
          rows[r][c] = p instanceof Number number ? number.doubleValue() : Double.NaN;
        }
      }
      return rows;
    }
    return rows(output.getValue());
  }

  private static double max(double[] p) {
    double best = Double.NEGATIVE_INFINITY;
    for (double v : p) {
      best = Math.max(best, v);
    }
    return best;
  }

  /* A tensor's value as rows: [N] gives one column, [N,K] K columns. */
  private static double[][] rows(Object value) {
    return switch (value) {
      case float[] column -> {
        double[][] rows = new double[column.length][];
        for (int r = 0; r < column.length; r++) {
          rows[r] = new double[] {column[r]};
        }
        yield rows;
      }
      case double[] column -> {
        double[][] rows = new double[column.length][];
        for (int r = 0; r < column.length; r++) {
          rows[r] = new double[] {column[r]};
        }
        yield rows;
      }
      case float[][] matrix -> {
        double[][] rows = new double[matrix.length][];
        for (int r = 0; r < matrix.length; r++) {
          rows[r] = new double[matrix[r].length];
          for (int c = 0; c < matrix[r].length; c++) {
            rows[r][c] = matrix[r][c];
          }
        }
        yield rows;
      }
      case double[][] matrix -> matrix;
      default ->
          throw new TrainException(
              "the ONNX model's output is a " + value.getClass().getSimpleName() + ", not numbers");
    };
  }

  private static String[] labels(Object value) {
    return switch (value) {
      case String[] strings -> strings;
      case long[] longs -> Arrays.stream(longs).mapToObj(Long::toString).toArray(String[]::new);
      case int[] ints -> Arrays.stream(ints).mapToObj(Integer::toString).toArray(String[]::new);
      case String[][] strings -> Arrays.stream(strings).map(s -> s[0]).toArray(String[]::new);
      case long[][] longs ->
          Arrays.stream(longs).map(l -> Long.toString(l[0])).toArray(String[]::new);
      default ->
          throw new TrainException(
              "the ONNX model's label output is a " + value.getClass().getSimpleName());
    };
  }

  private static Map<String, OnnxTensor> tensors(
      List<Port> ports, List<? extends Map<String, ?>> rows) throws OrtException {
    OrtEnvironment env = environment();
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    int n = rows.size();
    try {
      for (Port port : ports) {
        List<String> columns = port.columns();
        int width = columns.size();
        long[] shape = port.flat() ? new long[] {n} : new long[] {n, width};
        int size = Math.multiplyExact(n, width);
        OnnxTensor tensor =
            switch (port.type()) {
              case FLOAT -> {
                FloatBuffer data = FloatBuffer.allocate(size);
                for (Map<String, ?> row : rows) {
                  for (String c : columns) {
                    data.put((float) RowValues.number(c, row.get(c)));
                  }
                }
                yield OnnxTensor.createTensor(env, data.flip(), shape);
              }
              case DOUBLE -> {
                DoubleBuffer data = DoubleBuffer.allocate(size);
                for (Map<String, ?> row : rows) {
                  for (String c : columns) {
                    data.put(RowValues.number(c, row.get(c)));
                  }
                }
                yield OnnxTensor.createTensor(env, data.flip(), shape);
              }
              case INT64 -> {
                LongBuffer data = LongBuffer.allocate(size);
                for (Map<String, ?> row : rows) {
                  for (String c : columns) {
                    data.put(RowValues.integer(c, row.get(c)));
                  }
                }
                yield OnnxTensor.createTensor(env, data.flip(), shape);
              }
              case INT32 -> {
                IntBuffer data = IntBuffer.allocate(size);
                for (Map<String, ?> row : rows) {
                  for (String c : columns) {
                    data.put(Math.toIntExact(RowValues.integer(c, row.get(c))));
                  }
                }
                yield OnnxTensor.createTensor(env, data.flip(), shape);
              }
              case STRING -> {
                String[] data = new String[size];
                int i = 0;
                for (Map<String, ?> row : rows) {
                  for (String c : columns) {
                    data[i++] = RowValues.text(c, row.get(c));
                  }
                }
                yield OnnxTensor.createTensor(env, data, shape);
              }
              default -> throw new IllegalStateException("unchecked input type " + port.type());
            };
        tensors.put(port.name(), tensor);
      }
      return tensors;
    } catch (OrtException | RuntimeException e) {
      tensors.values().forEach(OnnxTensor::close);
      throw e;
    }
  }

  /**
   * Writes {@link #MODEL_FILE} as it was loaded, with a {@code features.json} naming the {@code
   * [N,F]} inputs' features when there are any.
   */
  @Override
  public void save(Path directory) {
    requireNonNull(directory, "directory is null");
    try {
      Files.createDirectories(directory);
      ModelFiles.write(directory.resolve(MODEL_FILE), bytes);
      if (!wideNames.isEmpty()) {
        ModelFiles.write(
            directory.resolve(PythonXgboostModel.FEATURES),
            JSON.writeValueAsBytes(Map.of("features", wideNames)));
      }
    } catch (IOException e) {
      throw new TrainException("cannot save the model to " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Releases the session; later predictions fail with {@link IllegalStateException}. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      session.close();
    } catch (OrtException e) {
      throw new TrainException("ONNX Runtime failed to release the session: " + e.getMessage(), e);
    }
  }

  /** True once {@link #close} has run. */
  public boolean isClosed() {
    return closed;
  }
}
