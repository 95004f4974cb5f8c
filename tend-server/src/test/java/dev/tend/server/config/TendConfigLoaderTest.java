package dev.tend.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every default, every key from file, environment and option, and the errors (Airlift style). */
class TendConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaults() {
    TendConfig config = TendConfig.defaults();
    assertThat(config.port()).isEqualTo(8070);
    assertThat(config.bind()).isEqualTo("127.0.0.1");
    assertThat(config.maxRequestBodyBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.dataDir()).isEqualTo(Path.of(".tend/server"));
    assertThat(config.metadataUrl()).isEqualTo("jdbc:sqlite:" + Path.of(".tend/server/tend.db"));
    assertThat(config.artifactsDir()).isEqualTo(Path.of(".tend/server/artifacts"));
    assertThat(config.anonymousReads()).isFalse();
    assertThat(config.pipelineWorkers()).isEqualTo(1);
    assertThat(config.pipelineLease()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.batchMaxRows()).isEqualTo(64);
    assertThat(config.batchMaxDelay()).isEqualTo(Duration.ZERO);
    assertThat(load(Map.of(), Map.of())).isEqualTo(config);
  }

  @Test
  void derivedPathsFollowTheDataDir() {
    TendConfig config = load(Map.of("TEND_DATA_DIR", dir.toString()), Map.of());
    assertThat(config.dataDir()).isEqualTo(dir);
    assertThat(config.metadataUrl()).isEqualTo("jdbc:sqlite:" + dir.resolve("tend.db"));
    assertThat(config.artifactsDir()).isEqualTo(dir.resolve("artifacts"));
  }

  @Test
  void environmentVariableNamesFollowTheRule() {
    assertThat(TendConfigLoader.envVar("server.port")).isEqualTo("TEND_SERVER_PORT");
    assertThat(TendConfigLoader.envVar("data.dir")).isEqualTo("TEND_DATA_DIR");
    assertThat(TendConfigLoader.envVar("server.max-request-body"))
        .isEqualTo("TEND_SERVER_MAX_REQUEST_BODY");
    assertThat(TendConfigLoader.envVar("auth.anonymous-reads"))
        .isEqualTo("TEND_AUTH_ANONYMOUS_READS");
  }

  private static final Map<String, String> ALL =
      Map.ofEntries(
          Map.entry("server.port", "9001"),
          Map.entry("server.bind", "0.0.0.0"),
          Map.entry("server.max-request-body", "1MiB"),
          Map.entry("server.shutdown-timeout", "3s"),
          Map.entry("data.dir", "/srv/tend"),
          Map.entry("metadata.url", "jdbc:postgresql://db/tend"),
          Map.entry("artifacts.dir", "/srv/artifacts"),
          Map.entry("auth.anonymous-reads", "true"),
          Map.entry("pipelines.workers", "3"),
          Map.entry("pipelines.lease", "5s"),
          Map.entry("serving.batching.max-rows", "8"),
          Map.entry("serving.batching.max-delay", "2ms"),
          Map.entry("serving.log.sync-interval", "250ms"),
          Map.entry("monitoring.interval", "2s"));

  private static final TendConfig EXPECTED =
      new TendConfig(
          9001,
          "0.0.0.0",
          1024 * 1024,
          Duration.ofSeconds(3),
          Path.of("/srv/tend"),
          "jdbc:postgresql://db/tend",
          Path.of("/srv/artifacts"),
          true,
          3,
          Duration.ofSeconds(5),
          8,
          Duration.ofMillis(2),
          Duration.ofMillis(250),
          List.of(),
          Duration.ofSeconds(2));

  @Test
  void everyKeyFromEnvironment() {
    Map<String, String> env = new java.util.HashMap<>();
    ALL.forEach((k, v) -> env.put(TendConfigLoader.envVar(k), v));
    assertThat(TendConfigLoader.KEYS).containsExactlyInAnyOrderElementsOf(ALL.keySet());
    assertThat(load(env, Map.of())).isEqualTo(EXPECTED);
  }

  @Test
  void copiesWithOneSettingChangedKeepEveryOtherSetting() {
    assertThat(EXPECTED.withPort(EXPECTED.port())).isEqualTo(EXPECTED);
    assertThat(EXPECTED.withAnonymousReads(EXPECTED.anonymousReads())).isEqualTo(EXPECTED);
    assertThat(EXPECTED.withMaxRequestBodyBytes(EXPECTED.maxRequestBodyBytes()))
        .isEqualTo(EXPECTED);
    assertThat(EXPECTED.withAlertChannels(EXPECTED.alertChannels())).isEqualTo(EXPECTED);
    assertThat(EXPECTED.withPort(0).port()).isZero();
  }

  @Test
  void everyKeyFromOptions() {
    assertThat(load(Map.of(), ALL)).isEqualTo(EXPECTED);
  }

  @Test
  void everyKeyFromANestedFile() throws Exception {
    Path file =
        write(
            """
            server:
              port: 9001
              bind: 0.0.0.0
              max-request-body: 1MiB
              shutdown-timeout: 3s
            data:
              dir: /srv/tend
            metadata.url: jdbc:postgresql://db/tend
            artifacts:
              dir: /srv/artifacts
            auth:
              anonymous-reads: true
            pipelines:
              workers: 3
              lease: 5s
            serving:
              batching:
                max-rows: 8
                max-delay: 2ms
              log:
                sync-interval: 250ms
            monitoring:
              interval: 2s
            """);
    assertThat(TendConfigLoader.load(Optional.of(file), Map.of(), Map.of())).isEqualTo(EXPECTED);
  }

  @Test
  void optionsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path file = write("server:\n  port: 1000\n  bind: 10.0.0.1\n");
    TendConfig config =
        TendConfigLoader.load(
            Optional.of(file),
            Map.of("TEND_SERVER_PORT", "2000", "TEND_DEBUG", "1"),
            Map.of("server.port", "3000"));
    assertThat(config.port()).isEqualTo(3000);
    assertThat(config.bind()).isEqualTo("10.0.0.1");
    assertThat(
            TendConfigLoader.load(Optional.of(file), Map.of("TEND_SERVER_PORT", "2000"), Map.of())
                .port())
        .isEqualTo(2000);
  }

  @Test
  void tendYamlInTheDataDirIsReadWithoutConfig() throws Exception {
    Files.writeString(dir.resolve("tend.yaml"), "auth:\n  anonymous-reads: true\n");
    assertThat(load(Map.of(), Map.of("data.dir", dir.toString())).anonymousReads()).isTrue();
  }

  @Test
  void unknownKeyInTheFileNamesTheFileAndLine() throws Exception {
    Path file = write("server:\n  port: 8080\n  prot: 1\n");
    assertThatThrownBy(() -> TendConfigLoader.load(Optional.of(file), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + ":3:3")
        .hasMessageContaining("unknown key 'server.prot'");
  }

  @Test
  void badValueInTheFileNamesTheKeyFileAndLine() throws Exception {
    Path file = write("server:\n  port: eighty\n");
    assertThatThrownBy(() -> TendConfigLoader.load(Optional.of(file), Map.of(), Map.of()))
        .hasMessageContaining(file + ":2:9")
        .hasMessageContaining("server.port must be a whole number from 0 to 65535")
        .hasMessageContaining("'eighty'");
  }

  @Test
  void badValuesFromTheEnvironmentNameTheVariable() {
    assertThatThrownBy(() -> load(Map.of("TEND_SERVER_PORT", "70000"), Map.of()))
        .hasMessageStartingWith("environment variable TEND_SERVER_PORT: server.port");
    assertThatThrownBy(() -> load(Map.of("TEND_AUTH_ANONYMOUS_READS", "maybe"), Map.of()))
        .hasMessageContaining("TEND_AUTH_ANONYMOUS_READS")
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> load(Map.of("TEND_SERVER_MAX_REQUEST_BODY", "lots"), Map.of()))
        .hasMessageContaining("TEND_SERVER_MAX_REQUEST_BODY");
    assertThatThrownBy(() -> load(Map.of("TEND_SERVER_SHUTDOWN_TIMEOUT", "10"), Map.of()))
        .hasMessageContaining("TEND_SERVER_SHUTDOWN_TIMEOUT");
    assertThatThrownBy(() -> load(Map.of("TEND_METADATA_URL", "postgres://x"), Map.of()))
        .hasMessageContaining("TEND_METADATA_URL");
  }

  @Test
  void batchingSettingsOutOfRangeNameTheKey() {
    assertThatThrownBy(() -> load(Map.of("TEND_SERVING_BATCHING_MAX_ROWS", "0"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("serving.batching.max-rows must be a whole number from 1 to 10000");
    assertThatThrownBy(() -> load(Map.of(), Map.of("serving.batching.max-delay", "2s")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("serving.batching.max-delay must be at most 1s, found 2s");
    assertThat(load(Map.of("TEND_SERVING_BATCHING_MAX_ROWS", "1"), Map.of()).batchMaxRows())
        .isEqualTo(1);
  }

  @Test
  void theLogSyncIntervalDefaultsToOneSecondAndZeroMeansFsyncEveryAnswer() {
    assertThat(load(Map.of(), Map.of()).logSyncInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(load(Map.of(), Map.of()).monitorInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> load(Map.of(), Map.of("monitoring.interval", "2h")))
        .hasMessage("monitoring.interval must be from 100ms to 1h, found 2h");
    assertThat(load(Map.of("TEND_SERVING_LOG_SYNC_INTERVAL", "0s"), Map.of()).logSyncInterval())
        .isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> load(Map.of(), Map.of("serving.log.sync-interval", "2m")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("serving.log.sync-interval must be at most 1m, found 2m");
  }

  @Test
  void sizesAndDurationsTakeUnits() {
    assertThat(
            load(Map.of("TEND_SERVER_MAX_REQUEST_BODY", "512KiB"), Map.of()).maxRequestBodyBytes())
        .isEqualTo(512 * 1024);
    assertThat(load(Map.of("TEND_SERVER_MAX_REQUEST_BODY", "100"), Map.of()).maxRequestBodyBytes())
        .isEqualTo(100);
    assertThat(load(Map.of("TEND_SERVER_SHUTDOWN_TIMEOUT", "500ms"), Map.of()).shutdownTimeout())
        .isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void malformedYamlAndAMissingFileAreClearErrors() throws Exception {
    Path file = write("server: [port\n");
    assertThatThrownBy(() -> TendConfigLoader.load(Optional.of(file), Map.of(), Map.of()))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("invalid YAML");
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> TendConfigLoader.load(Optional.of(missing), Map.of(), Map.of()))
        .hasMessageContaining("not found");
  }

  private TendConfig load(Map<String, String> env, Map<String, String> options) {
    Map<String, String> withDir = new java.util.HashMap<>(options);
    if (!withDir.containsKey("data.dir") && !env.containsKey("TEND_DATA_DIR")) {
      return TendConfigLoader.load(Optional.empty(), env, options);
    }
    return TendConfigLoader.load(Optional.empty(), env, withDir);
  }

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("tend.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
