/**
 * Local data quality: {@code tend check}, {@code tend profile} and {@code tend suggest} on files or
 * a JDBC query, run by the embedded engine.
 */
package dev.tend.cli.quality;
