package dev.tend.serving.log;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Settings of a prediction log.
 *
 * @param maxQueuedBytes encoded bytes that may wait for the disk, including the batch being
 *     written; appends beyond it block. Default 32 MiB
 * @param appendTimeout how long an append waits for room in a full queue before it fails with
 *     {@link PredictionLogFullException}. Default 1 s
 * @param maxBatchRecords records written by one fsync at most; 1 makes every record pay its own
 *     fsync (for comparison only). Default 10,000
 * @param maxBatchBytes encoded bytes written by one fsync at most. Default 4 MiB
 * @param segmentBytes a segment is sealed once it grows past this size. Default 64 MiB
 * @param rollInterval a segment holding records is sealed after this long, so that compaction
 *     reaches quiet deployments too. Default 10 minutes
 * @param retentionDays Parquet partitions whose date is older than this many days are deleted.
 *     Default 30
 * @param maintenanceInterval how often a background thread compacts sealed segments and applies the
 *     retention; empty leaves that to the caller. Default 1 minute
 * @param syncInterval zero (the default): a batch is fsynced before its appends are acknowledged,
 *     so an acknowledged prediction survives a power loss. Positive: a batch is acknowledged once
 *     written to the operating system, which keeps it through a kill -9 of the process, and fsynced
 *     at most this long afterwards (and whenever a segment is sealed or the log closed), so a power
 *     loss or kernel crash loses at most that much; acknowledgements then never wait for the disk.
 *     At most 1 minute
 */
public record PredictionLogOptions(
    long maxQueuedBytes,
    Duration appendTimeout,
    int maxBatchRecords,
    long maxBatchBytes,
    long segmentBytes,
    Duration rollInterval,
    int retentionDays,
    Optional<Duration> maintenanceInterval,
    Duration syncInterval) {

  public PredictionLogOptions {
    requireNonNull(appendTimeout, "appendTimeout is null");
    requireNonNull(rollInterval, "rollInterval is null");
    requireNonNull(maintenanceInterval, "maintenanceInterval is null");
    requireNonNull(syncInterval, "syncInterval is null");
    if (syncInterval.isNegative() || syncInterval.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(
          "syncInterval must be between 0 and 1 minute: " + syncInterval);
    }
    if (maxQueuedBytes < 1024 || maxQueuedBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxQueuedBytes must be between 1 KiB and 2 GiB: " + maxQueuedBytes);
    }
    if (appendTimeout.isNegative()) {
      throw new IllegalArgumentException("appendTimeout must not be negative: " + appendTimeout);
    }
    if (maxBatchRecords < 1) {
      throw new IllegalArgumentException("maxBatchRecords must be at least 1: " + maxBatchRecords);
    }
    if (maxBatchBytes < 1) {
      throw new IllegalArgumentException("maxBatchBytes must be at least 1: " + maxBatchBytes);
    }
    if (segmentBytes < 1024) {
      throw new IllegalArgumentException("segmentBytes must be at least 1 KiB: " + segmentBytes);
    }
    if (!rollInterval.isPositive()) {
      throw new IllegalArgumentException("rollInterval must be positive: " + rollInterval);
    }
    if (retentionDays < 1) {
      throw new IllegalArgumentException("retentionDays must be at least 1: " + retentionDays);
    }
    maintenanceInterval.ifPresent(
        interval -> {
          if (!interval.isPositive()) {
            throw new IllegalArgumentException("maintenanceInterval must be positive: " + interval);
          }
        });
  }

  public static PredictionLogOptions defaults() {
    return new PredictionLogOptions(
        32L << 20,
        Duration.ofSeconds(1),
        10_000,
        4L << 20,
        64L << 20,
        Duration.ofMinutes(10),
        30,
        Optional.of(Duration.ofMinutes(1)),
        Duration.ZERO);
  }

  public PredictionLogOptions withMaxQueuedBytes(long maxQueuedBytes) {
    return new PredictionLogOptions(
        maxQueuedBytes,
        appendTimeout,
        maxBatchRecords,
        maxBatchBytes,
        segmentBytes,
        rollInterval,
        retentionDays,
        maintenanceInterval,
        syncInterval);
  }

  public PredictionLogOptions withAppendTimeout(Duration appendTimeout) {
    return new PredictionLogOptions(
        maxQueuedBytes,
        appendTimeout,
        maxBatchRecords,
        maxBatchBytes,
        segmentBytes,
        rollInterval,
        retentionDays,
        maintenanceInterval,
        syncInterval);
  }

  public PredictionLogOptions withMaxBatchRecords(int maxBatchRecords) {
    return new PredictionLogOptions(
        maxQueuedBytes,
        appendTimeout,
        maxBatchRecords,
        maxBatchBytes,
        segmentBytes,
        rollInterval,
        retentionDays,
        maintenanceInterval,
        syncInterval);
  }

  public PredictionLogOptions withSegmentBytes(long segmentBytes) {
    return new PredictionLogOptions(
        maxQueuedBytes,
        appendTimeout,
        maxBatchRecords,
        maxBatchBytes,
        segmentBytes,
        rollInterval,
        retentionDays,
        maintenanceInterval,
        syncInterval);
  }

  public PredictionLogOptions withRetentionDays(int retentionDays) {
    return new PredictionLogOptions(
        maxQueuedBytes,
        appendTimeout,
        maxBatchRecords,
        maxBatchBytes,
        segmentBytes,
        rollInterval,
        retentionDays,
        maintenanceInterval,
        syncInterval);
  }

  /**
   * These options with appends acknowledged once written to the operating system and fsynced at
   * most {@code interval} later; {@link Duration#ZERO} fsyncs every batch before acknowledging it.
   */
  public PredictionLogOptions withSyncInterval(Duration interval) {
    return new PredictionLogOptions(
        maxQueuedBytes,
        appendTimeout,
        maxBatchRecords,
        maxBatchBytes,
        segmentBytes,
        rollInterval,
        retentionDays,
        maintenanceInterval,
        interval);
  }

  /** These options without the background maintenance thread. */
  public PredictionLogOptions withoutMaintenance() {
    return new PredictionLogOptions(
        maxQueuedBytes,
        appendTimeout,
        maxBatchRecords,
        maxBatchBytes,
        segmentBytes,
        rollInterval,
        retentionDays,
        Optional.empty(),
        syncInterval);
  }
}
