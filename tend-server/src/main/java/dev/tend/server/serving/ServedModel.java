package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import dev.tend.registry.ModelVersion;
import dev.tend.serving.protocol.Batch;
import dev.tend.serving.protocol.DecodeLimits;
import dev.tend.serving.protocol.Field;
import dev.tend.serving.protocol.ServingSignature;
import dev.tend.serving.protocol.TendCodec;
import dev.tend.train.model.Model;
import dev.tend.train.model.Output;
import dev.tend.train.model.Prediction;
import dev.tend.train.preprocess.Input;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded model version with its serving signature and codec. Callers {@link #acquire} it for the
 * time of a prediction; once {@link #retire retired} the model is closed when its last user
 * releases it, so a prediction never runs on a closed model. Thread-safe.
 */
final class ServedModel {
  private final ModelVersion version;
  private final Model model;
  private final ServingSignature signature;
  private final TendCodec codec;
  private final List<String> classes;
  private final MicroBatcher batcher;
  /* Written under this object's lock; read without it by the batcher. */
  private volatile int users;
  private boolean retired;

  ServedModel(ModelVersion version, Model model, DecodeLimits limits, Batching batching) {
    this.version = requireNonNull(version, "version is null");
    this.model = requireNonNull(model, "model is null");
    List<Field> inputs = new ArrayList<>();
    for (Input input : model.signature().inputs()) {
      inputs.add(Field.of(input.name(), input.type()));
    }
    List<Field> outputs = new ArrayList<>();
    for (Output output : model.signature().outputs()) {
      outputs.add(Field.of(output.name(), output.type()));
    }
    this.signature = new ServingSignature(inputs, outputs);
    this.codec = new TendCodec(signature, limits);
    this.classes = model.manifest().classes();
    this.batcher = new MicroBatcher(model, batching, () -> users);
  }

  ModelVersion version() {
    return version;
  }

  ServingSignature signature() {
    return signature;
  }

  TendCodec codec() {
    return codec;
  }

  /**
   * Predicts every row of {@code inputs}, returning one row per input with the signature's outputs.
   * Concurrent calls may share one runtime call (see {@link Batching}); each gets its own rows.
   *
   * @throws IllegalArgumentException naming the field whose value the runtime refuses
   */
  Batch predict(Batch inputs) {
    List<Map<String, Object>> rows = new ArrayList<>(inputs.rowCount());
    for (int row = 0; row < inputs.rowCount(); row++) {
      Map<String, Object> values = new HashMap<>();
      for (int i = 0; i < inputs.columns().size(); i++) {
        values.put(inputs.column(i).field().name(), inputs.column(i).value(row));
      }
      rows.add(values);
    }
    List<Prediction> predictions = batcher.predict(rows);
    List<List<?>> out = new ArrayList<>(predictions.size());
    for (Prediction prediction : predictions) {
      List<Object> values = new ArrayList<>(signature.outputs().size());
      for (Field field : signature.outputs()) {
        values.add(outputValue(field.name(), prediction));
      }
      out.add(values);
    }
    return Batch.ofRows(signature.outputs(), out);
  }

  /* The output names models declare (see tend-train's Output). */
  private Object outputValue(String name, Prediction prediction) {
    return switch (name) {
      case "probability", "value" -> prediction.value();
      case "label" -> prediction.label().orElse(null);
      default -> {
        if (name.startsWith("probability_")) {
          int index = classes.indexOf(name.substring("probability_".length()));
          if (index >= 0 && index < prediction.probabilities().length) {
            yield prediction.probabilities()[index];
          }
        }
        throw new IllegalStateException(
            "model version " + version.id() + " declares an output '" + name + "' it never fills");
      }
    };
  }

  /** Whether the model may be used; false once retired. Pair with {@link #release}. */
  synchronized boolean acquire() {
    if (retired) {
      return false;
    }
    users++;
    return true;
  }

  synchronized void release() {
    users--;
    if (retired && users == 0) {
      model.close();
    }
  }

  /** Closes the model now or when its last user releases it. */
  synchronized void retire() {
    if (!retired) {
      retired = true;
      if (users == 0) {
        model.close();
      }
    }
  }
}
