package dev.tend.server.serving;

import dev.tend.registry.ModelVersion;
import java.util.List;

/**
 * Runs a model version on inputs outside any deployment's traffic, through the same runtime, codec
 * and output encoding as the serving path, and logs nothing: what comparing a challenger with a
 * champion on logged requests needs. Thread-safe.
 */
public interface OfflinePredictions {
  /**
   * The outputs of {@code version} for each of {@code inputs} (JSON objects of features, as the
   * prediction log keeps them), as JSON objects in the logged form, in the same order.
   *
   * @throws IllegalArgumentException when the version cannot be loaded or refuses the inputs
   */
  List<String> predict(ModelVersion version, List<String> inputs);
}
