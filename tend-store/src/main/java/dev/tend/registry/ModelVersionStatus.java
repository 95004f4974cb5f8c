package dev.tend.registry;

/**
 * Whether a model version's registration finished: {@link #READY} when its artifacts were found and
 * recorded, {@link #FAILED_REGISTRATION} when its source names run artifacts that do not exist.
 */
public enum ModelVersionStatus {
  PENDING_REGISTRATION,
  FAILED_REGISTRATION,
  READY
}
