package dev.tend.server.config;

import static java.util.Objects.requireNonNull;

import dev.tend.server.alerting.channel.ChannelSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The server's settings, immutable and complete: every field has a value, filled from defaults,
 * then {@code tend.yaml}, then {@code TEND_*} environment variables, then command-line options
 * (later wins). See {@link TendConfigLoader} for the keys and how environment variables map to
 * them.
 *
 * @param port TCP port to listen on ({@code server.port}); 0 picks a free one
 * @param bind address to bind to ({@code server.bind})
 * @param maxRequestBodyBytes largest request body accepted ({@code server.max-request-body})
 * @param shutdownTimeout how long a stop waits for requests in flight ({@code
 *     server.shutdown-timeout})
 * @param dataDir where the embedded defaults keep their files ({@code data.dir})
 * @param metadataUrl JDBC URL of the metadata database ({@code metadata.url})
 * @param artifactsDir folder of the local artifact store ({@code artifacts.dir})
 * @param anonymousReads whether read-only routes answer requests without a token ({@code
 *     auth.anonymous-reads})
 * @param pipelineWorkers how many pipeline runs this process executes at once ({@code
 *     pipelines.workers})
 * @param pipelineLease how long a run stays this process's without a renewal ({@code
 *     pipelines.lease})
 * @param batchMaxRows most rows of one coalesced prediction call; 1 turns micro-batching off
 *     ({@code serving.batching.max-rows})
 * @param batchMaxDelay how long a coalesced call may wait for requests already in flight ({@code
 *     serving.batching.max-delay})
 * @param logSyncInterval how long an answered prediction may stay written to the operating system
 *     but not fsynced; zero fsyncs before every answer ({@code serving.log.sync-interval})
 * @param alertChannels where alerts can be sent ({@code alerting.channels}, file only), with unique
 *     names
 * @param monitorInterval how often the monitor runner ingests the prediction log and feedback into
 *     monitoring windows ({@code monitoring.interval})
 */
public record TendConfig(
    int port,
    String bind,
    long maxRequestBodyBytes,
    Duration shutdownTimeout,
    Path dataDir,
    String metadataUrl,
    Path artifactsDir,
    boolean anonymousReads,
    int pipelineWorkers,
    Duration pipelineLease,
    int batchMaxRows,
    Duration batchMaxDelay,
    Duration logSyncInterval,
    List<ChannelSettings> alertChannels,
    Duration monitorInterval) {

  public static final int DEFAULT_PORT = 8070;
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final long DEFAULT_MAX_REQUEST_BODY = 64L * 1024 * 1024;
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  public static final Path DEFAULT_DATA_DIR = Path.of(".tend", "server");
  public static final int DEFAULT_PIPELINE_WORKERS = 1;
  public static final Duration DEFAULT_PIPELINE_LEASE = Duration.ofSeconds(30);
  public static final int DEFAULT_BATCH_MAX_ROWS = 64;
  public static final Duration DEFAULT_BATCH_MAX_DELAY = Duration.ZERO;
  public static final Duration DEFAULT_LOG_SYNC_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(5);

  public TendConfig {
    requireNonNull(bind, "bind is null");
    requireNonNull(shutdownTimeout, "shutdownTimeout is null");
    requireNonNull(dataDir, "dataDir is null");
    requireNonNull(metadataUrl, "metadataUrl is null");
    requireNonNull(artifactsDir, "artifactsDir is null");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be from 0 to 65535, found " + port);
    }
    if (maxRequestBodyBytes < 1) {
      throw new IllegalArgumentException("maxRequestBodyBytes must be positive");
    }
    requireNonNull(pipelineLease, "pipelineLease is null");
    if (pipelineWorkers < 0 || pipelineWorkers > 64) {
      throw new IllegalArgumentException("pipelineWorkers must be from 0 to 64");
    }
    if (pipelineLease.toMillis() < 1000) {
      throw new IllegalArgumentException("pipelineLease must be at least 1s");
    }
    requireNonNull(batchMaxDelay, "batchMaxDelay is null");
    if (batchMaxRows < 1 || batchMaxRows > 10_000) {
      throw new IllegalArgumentException("batchMaxRows must be from 1 to 10000");
    }
    if (batchMaxDelay.isNegative() || batchMaxDelay.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("batchMaxDelay must be from 0 to 1s");
    }
    if (shutdownTimeout.isNegative()) {
      throw new IllegalArgumentException("shutdownTimeout must not be negative");
    }
    requireNonNull(logSyncInterval, "logSyncInterval is null");
    if (logSyncInterval.isNegative() || logSyncInterval.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("logSyncInterval must be from 0 to 1m");
    }
    alertChannels = List.copyOf(requireNonNull(alertChannels, "alertChannels is null"));
    if (alertChannels.stream().map(ChannelSettings::name).distinct().count()
        != alertChannels.size()) {
      throw new IllegalArgumentException("alert channel names must be unique");
    }
    requireNonNull(monitorInterval, "monitorInterval is null");
    if (monitorInterval.toMillis() < 100 || monitorInterval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("monitorInterval must be from 100ms to 1h");
    }
  }

  /** A configuration without alert channels and with the default monitor interval. */
  public TendConfig(
      int port,
      String bind,
      long maxRequestBodyBytes,
      Duration shutdownTimeout,
      Path dataDir,
      String metadataUrl,
      Path artifactsDir,
      boolean anonymousReads,
      int pipelineWorkers,
      Duration pipelineLease,
      int batchMaxRows,
      Duration batchMaxDelay,
      Duration logSyncInterval) {
    this(
        port,
        bind,
        maxRequestBodyBytes,
        shutdownTimeout,
        dataDir,
        metadataUrl,
        artifactsDir,
        anonymousReads,
        pipelineWorkers,
        pipelineLease,
        batchMaxRows,
        batchMaxDelay,
        logSyncInterval,
        List.of(),
        DEFAULT_MONITOR_INTERVAL);
  }

  /** A configuration with the default prediction log sync interval. */
  public TendConfig(
      int port,
      String bind,
      long maxRequestBodyBytes,
      Duration shutdownTimeout,
      Path dataDir,
      String metadataUrl,
      Path artifactsDir,
      boolean anonymousReads,
      int pipelineWorkers,
      Duration pipelineLease,
      int batchMaxRows,
      Duration batchMaxDelay) {
    this(
        port,
        bind,
        maxRequestBodyBytes,
        shutdownTimeout,
        dataDir,
        metadataUrl,
        artifactsDir,
        anonymousReads,
        pipelineWorkers,
        pipelineLease,
        batchMaxRows,
        batchMaxDelay,
        DEFAULT_LOG_SYNC_INTERVAL);
  }

  /** A configuration with the default micro-batching settings. */
  public TendConfig(
      int port,
      String bind,
      long maxRequestBodyBytes,
      Duration shutdownTimeout,
      Path dataDir,
      String metadataUrl,
      Path artifactsDir,
      boolean anonymousReads,
      int pipelineWorkers,
      Duration pipelineLease) {
    this(
        port,
        bind,
        maxRequestBodyBytes,
        shutdownTimeout,
        dataDir,
        metadataUrl,
        artifactsDir,
        anonymousReads,
        pipelineWorkers,
        pipelineLease,
        DEFAULT_BATCH_MAX_ROWS,
        DEFAULT_BATCH_MAX_DELAY);
  }

  /** A configuration with the default pipeline and micro-batching settings. */
  public TendConfig(
      int port,
      String bind,
      long maxRequestBodyBytes,
      Duration shutdownTimeout,
      Path dataDir,
      String metadataUrl,
      Path artifactsDir,
      boolean anonymousReads) {
    this(
        port,
        bind,
        maxRequestBodyBytes,
        shutdownTimeout,
        dataDir,
        metadataUrl,
        artifactsDir,
        anonymousReads,
        DEFAULT_PIPELINE_WORKERS,
        DEFAULT_PIPELINE_LEASE);
  }

  /** Every default, with the metadata database and artifacts under the default data dir. */
  public static TendConfig defaults() {
    return forDataDir(DEFAULT_DATA_DIR);
  }

  /** Every default, with the metadata database and artifacts under {@code dataDir}. */
  public static TendConfig forDataDir(Path dataDir) {
    return new TendConfig(
        DEFAULT_PORT,
        DEFAULT_BIND,
        DEFAULT_MAX_REQUEST_BODY,
        DEFAULT_SHUTDOWN_TIMEOUT,
        dataDir,
        defaultMetadataUrl(dataDir),
        defaultArtifactsDir(dataDir),
        false);
  }

  static String defaultMetadataUrl(Path dataDir) {
    return "jdbc:sqlite:" + dataDir.resolve("tend.db");
  }

  static Path defaultArtifactsDir(Path dataDir) {
    return dataDir.resolve("artifacts");
  }

  /** This configuration, every other setting kept, on {@code newPort}. */
  public TendConfig withPort(int newPort) {
    return new TendConfig(
        newPort,
        bind,
        maxRequestBodyBytes,
        shutdownTimeout,
        dataDir,
        metadataUrl,
        artifactsDir,
        anonymousReads,
        pipelineWorkers,
        pipelineLease,
        batchMaxRows,
        batchMaxDelay,
        logSyncInterval,
        alertChannels,
        monitorInterval);
  }

  /** This configuration, every other setting kept, with anonymous reads {@code allowed} or not. */
  public TendConfig withAnonymousReads(boolean allowed) {
    return new TendConfig(
        port,
        bind,
        maxRequestBodyBytes,
        shutdownTimeout,
        dataDir,
        metadataUrl,
        artifactsDir,
        allowed,
        pipelineWorkers,
        pipelineLease,
        batchMaxRows,
        batchMaxDelay,
        logSyncInterval,
        alertChannels,
        monitorInterval);
  }

  /** This configuration, every other setting kept, refusing bodies larger than {@code bytes}. */
  public TendConfig withMaxRequestBodyBytes(long bytes) {
    return new TendConfig(
        port,
        bind,
        bytes,
        shutdownTimeout,
        dataDir,
        metadataUrl,
        artifactsDir,
        anonymousReads,
        pipelineWorkers,
        pipelineLease,
        batchMaxRows,
        batchMaxDelay,
        logSyncInterval,
        alertChannels,
        monitorInterval);
  }

  /** This configuration with {@code channels} as its alert channels. */
  public TendConfig withAlertChannels(List<ChannelSettings> channels) {
    return new TendConfig(
        port,
        bind,
        maxRequestBodyBytes,
        shutdownTimeout,
        dataDir,
        metadataUrl,
        artifactsDir,
        anonymousReads,
        pipelineWorkers,
        pipelineLease,
        batchMaxRows,
        batchMaxDelay,
        logSyncInterval,
        channels,
        monitorInterval);
  }
}
