package dev.tend.cli.server;

import dev.tend.access.AccessRepository;
import dev.tend.cli.LocalServer;
import dev.tend.cli.Main;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.config.TendConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tend server}: runs the Tend server in the foreground until SIGINT or SIGTERM. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Tend server: the HTTP API under /api/v1 (OpenAPI at /api/v1/openapi.json).",
      "Settings come from tend.yaml in the data directory (or --config), then TEND_* environment"
          + " variables (server.port -> TEND_SERVER_PORT), then these options.",
      "On the first start it creates the global admin 'admin' and prints its token once (or uses"
          + " TEND_ADMIN_TOKEN, a token in Tend's format from 'tend token new', and prints nothing).",
      "Stops cleanly on Ctrl-C or SIGTERM."
    })
public final class ServerCommand implements Callable<Integer> {
  /** A well-formed API token for the first admin; without it, a new one is printed once. */
  static final String ADMIN_TOKEN = "TEND_ADMIN_TOKEN";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "TCP port (server.port; default 8070, 0 picks a free one).")
  Integer port;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory (data.dir; default ./.tend/server).")
  Path dataDir;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (default: tend.yaml in the data directory, if any).")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> options = new LinkedHashMap<>();
    if (port != null) {
      options.put(TendConfigLoader.SERVER_PORT, String.valueOf(port));
    }
    if (dataDir != null) {
      options.put(TendConfigLoader.DATA_DIR, dataDir.toString());
    }
    TendConfig settings =
        TendConfigLoader.load(Optional.ofNullable(config), System.getenv(), options);
    Optional<String> adminToken = Optional.ofNullable(System.getenv(ADMIN_TOKEN));
    if (adminToken.isPresent() && !AccessRepository.isWellFormedToken(adminToken.get())) {
      throw new Main.UsageException(
          ADMIN_TOKEN
              + " is not a token in Tend's format (tend_<26-character id>_<43-character base64url"
              + " secret>); make one with `tend token new`, or leave it unset and the first start"
              + " prints a new admin token");
    }
    LocalServer server = LocalServer.start(settings, adminToken);
    PrintWriter out = spec.commandLine().getOut();
    if (adminToken.isEmpty()) {
      server
          .bootstrap()
          .ifPresent(token -> out.println("Admin token (shown once): " + token.plainText()));
    }
    out.println("Tend server " + TendServer.version() + " listening on " + server.uri());
    out.println(
        "API: " + server.uri() + "/api/v1 (OpenAPI: " + server.uri() + "/api/v1/openapi.json)");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              try {
                server.close();
              } finally {
                stopped.countDown();
              }
            },
            "tend-server-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
    return Main.OK;
  }
}
