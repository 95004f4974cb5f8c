/**
 * The durable prediction log: every answered prediction is appended to a write-ahead log with group
 * commit before the answer leaves, then compacted into partitioned Parquet files that DuckDB
 * queries, and dropped after a retention period.
 */
package dev.tend.serving.log;
