package dev.tend.store;

/** The database engines every store test runs against. */
public enum Engine {
  SQLITE,
  POSTGRESQL
}
