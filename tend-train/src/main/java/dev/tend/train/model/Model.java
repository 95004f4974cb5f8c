package dev.tend.train.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trained model that predicts on rows. Rows are maps from input column name to value (numbers,
 * booleans, strings, {@code java.time} values or ISO-8601 text; absent or null means missing).
 *
 * <p>Implementations are thread-safe for {@link #predict}. Close releases native memory.
 */
public interface Model extends AutoCloseable {
  Signature signature();

  Manifest manifest();

  /**
   * Predicts every row.
   *
   * @throws IllegalArgumentException naming the column whose value does not fit its type
   */
  List<Prediction> predict(List<? extends Map<String, ?>> rows);

  /**
   * Writes the model into {@code directory} (created if needed) in the format it was loaded from,
   * so that {@link ModelLoader#load} reads it back: Tend's own model as {@code model.ubj}
   * (XGBoost's UBJSON), {@code preprocessing.json} and {@code manifest.json}; others as their
   * files.
   */
  void save(Path directory);

  /**
   * Loads Tend's own model folder ({@code manifest.json}, {@code preprocessing.json}, {@code
   * model.ubj}); {@link ModelLoader#load} recognizes the other formats too.
   */
  static Model load(Path directory) {
    return ModelFiles.load(directory);
  }

  @Override
  void close();
}
