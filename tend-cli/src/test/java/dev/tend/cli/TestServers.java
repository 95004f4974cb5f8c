package dev.tend.cli;

import dev.tend.server.config.TendConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Starts a real Tend server in-process on a free port for the CLI's end-to-end tests. */
public final class TestServers {
  private TestServers() {}

  /** A server with SQLite metadata and local artifacts under {@code dir}, and a new admin. */
  public static LocalServer start(Path dir) {
    return start(dir, UnaryOperator.identity());
  }

  /** The same server with its configuration changed by {@code change} first. */
  public static LocalServer start(Path dir, UnaryOperator<TendConfig> change) {
    TendConfig defaults = TendConfig.forDataDir(dir);
    TendConfig config =
        new TendConfig(
            0,
            TendConfig.DEFAULT_BIND,
            TendConfig.DEFAULT_MAX_REQUEST_BODY,
            Duration.ofSeconds(1),
            dir,
            defaults.metadataUrl(),
            defaults.artifactsDir(),
            false);
    return LocalServer.start(change.apply(config), Optional.empty());
  }
}
