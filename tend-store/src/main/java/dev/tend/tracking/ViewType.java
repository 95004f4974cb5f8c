package dev.tend.tracking;

/** Which lifecycle stages a search returns; searches see active items unless asked otherwise. */
public enum ViewType {
  ACTIVE_ONLY,
  DELETED_ONLY,
  ALL
}
