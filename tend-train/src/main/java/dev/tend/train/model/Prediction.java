package dev.tend.train.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Optional;

/**
 * The model's answer for one row.
 *
 * @param value the positive class's probability (binary), the chosen class's probability
 *     (multiclass) or the predicted number (regression)
 * @param label the chosen class (classification)
 * @param probabilities one probability per class in {@link Manifest#classes()} order
 *     (classification), empty for regression
 */
public record Prediction(double value, Optional<String> label, double[] probabilities) {
  public Prediction {
    requireNonNull(label, "label is null");
    probabilities = probabilities.clone();
  }

  @Override
  public double[] probabilities() {
    return probabilities.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p
        && Double.compare(p.value, value) == 0
        && p.label.equals(label)
        && Arrays.equals(p.probabilities, probabilities);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Double.hashCode(value) + label.hashCode()) + Arrays.hashCode(probabilities);
  }

  @Override
  public String toString() {
    return "Prediction[value="
        + value
        + ", label="
        + label.orElse("-")
        + ", probabilities="
        + Arrays.toString(probabilities)
        + "]";
  }
}
