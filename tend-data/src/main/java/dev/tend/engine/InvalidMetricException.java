package dev.tend.engine;

import dev.tend.source.DataException;

/** A metric that names a column the dataset lacks, or asks a statistic its column's type lacks. */
public final class InvalidMetricException extends DataException {
  private static final long serialVersionUID = 1L;

  public InvalidMetricException(String message) {
    super(message);
  }
}
