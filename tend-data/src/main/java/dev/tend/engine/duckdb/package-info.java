/** The embedded DuckDB engine; create one with {@link dev.tend.engine.duckdb.DuckDbEngines}. */
package dev.tend.engine.duckdb;
