package dev.tend.train.preprocess;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * One model input computed from one column. Missing values (null) become XGBoost's missing value
 * (NaN) for every kind.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Feature.Numeric.class, name = "numeric"),
  @JsonSubTypes.Type(value = Feature.Categorical.class, name = "categorical"),
  @JsonSubTypes.Type(value = Feature.DatePartOf.class, name = "date_part")
})
public sealed interface Feature {
  /** The feature's name as XGBoost sees it. */
  String name();

  /** The column the feature reads. */
  String column();

  /** A number (integer, double, or boolean as 0/1) passed through as a float. */
  record Numeric(String name, String column) implements Feature {
    public Numeric {
      requireNonNull(name, "name is null");
      requireNonNull(column, "column is null");
    }
  }

  /**
   * A category encoded as an ordinal code for XGBoost's native categorical splits. {@code
   * categories.get(k)} has code {@code k + 1}, ordered by falling frequency in the training rows
   * (then by value); code 0 is the {@code other} bucket of categories seen fewer than the minimum
   * count in training, beyond the maximum number of categories, or never seen in training.
   */
  record Categorical(String name, String column, List<String> categories) implements Feature {
    /** The code of the other bucket. */
    public static final int OTHER = 0;

    public Categorical {
      requireNonNull(name, "name is null");
      requireNonNull(column, "column is null");
      categories = List.copyOf(categories);
    }
  }

  /** A part of a date or timestamp column. */
  record DatePartOf(String name, String column, DatePart part) implements Feature {
    public DatePartOf {
      requireNonNull(name, "name is null");
      requireNonNull(column, "column is null");
      requireNonNull(part, "part is null");
    }
  }
}
