package dev.tend.train.preprocess;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How rows become model features: the input columns and the features computed from them, saved as
 * versioned JSON ({@code preprocessing.json}) beside every model and applied again at prediction.
 *
 * @param formatVersion {@link #FORMAT_VERSION} when written by this code
 * @param inputs the columns read, in order
 * @param features the features, in the order XGBoost sees them
 */
public record Preprocessing(int formatVersion, List<Input> inputs, List<Feature> features) {
  /** The format this code writes; it reads this version only. */
  public static final int FORMAT_VERSION = 1;

  public Preprocessing {
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    features = List.copyOf(requireNonNull(features, "features is null"));
    if (features.isEmpty()) {
      throw new IllegalArgumentException("preprocessing needs at least one feature");
    }
  }

  /** The feature names, in XGBoost's order. */
  public String[] featureNames() {
    return features.stream().map(Feature::name).toArray(String[]::new);
  }

  /** XGBoost's feature types: {@code c} for categorical, {@code q} for quantitative. */
  public String[] featureTypes() {
    return features.stream()
        .map(f -> f instanceof Feature.Categorical ? "c" : "q")
        .toArray(String[]::new);
  }

  /**
   * Derives features from the schema for the named columns: numbers and booleans pass through,
   * strings are categorical, dates give weekday, month and day of month, timestamps also the hour.
   * Category lists are empty here: the trainer fills them from the training rows.
   *
   * @param dateParts when non-null, the parts taken from every date or timestamp column
   * @throws IllegalArgumentException naming a missing column or one whose type cannot be a feature
   */
  public static Preprocessing derive(
      Schema schema, List<String> columns, List<DatePart> dateParts) {
    List<Input> inputs = new ArrayList<>();
    List<Feature> features = new ArrayList<>();
    for (String name : columns) {
      Column column =
          schema
              .column(name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "feature column '"
                              + name
                              + "' is not in the dataset; its columns are "
                              + schema.names()));
      inputs.add(new Input(name, column.type()));
      switch (column.type()) {
        case INTEGER, DOUBLE, BOOLEAN -> features.add(new Feature.Numeric(name, name));
        case STRING -> features.add(new Feature.Categorical(name, name, List.of()));
        case DATE, TIMESTAMP -> {
          List<DatePart> parts =
              dateParts != null
                  ? dateParts
                  : column.type() == DataType.TIMESTAMP
                      ? List.of(DatePart.values())
                      : List.of(DatePart.WEEKDAY, DatePart.MONTH, DatePart.DAY_OF_MONTH);
          for (DatePart part : parts) {
            if (column.type() == DataType.DATE && part == DatePart.HOUR) {
              throw new IllegalArgumentException(
                  "column '" + name + "' is a date: it has no hour; use a timestamp column");
            }
            features.add(
                new Feature.DatePartOf(
                    name + "_" + part.name().toLowerCase(java.util.Locale.ROOT), name, part));
          }
        }
        case OTHER ->
            throw new IllegalArgumentException(
                "column '"
                    + name
                    + "' has type "
                    + column.sourceType()
                    + ", which cannot be a feature; use numbers, booleans, strings, dates or"
                    + " timestamps");
      }
    }
    return new Preprocessing(FORMAT_VERSION, inputs, features);
  }

  /** This preprocessing with the category lists replaced, by feature name. */
  public Preprocessing withCategories(Map<String, List<String>> categories) {
    List<Feature> filled = new ArrayList<>();
    for (Feature feature : features) {
      filled.add(
          feature instanceof Feature.Categorical c && categories.containsKey(c.name())
              ? new Feature.Categorical(c.name(), c.column(), categories.get(c.name()))
              : feature);
    }
    return new Preprocessing(formatVersion, inputs, filled);
  }
}
