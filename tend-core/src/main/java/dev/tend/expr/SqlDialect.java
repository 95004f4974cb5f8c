package dev.tend.expr;

/**
 * The SQL flavour an engine speaks. Rendering differs only in the few functions that have no common
 * spelling.
 */
public enum SqlDialect {
  DUCKDB,
  POSTGRESQL
}
