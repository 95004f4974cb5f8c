package dev.tend.cli;

import dev.tend.server.ServerServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.config.TendConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
      "Stops cleanly on Ctrl-C or SIGTERM."
    })
final class ServerCommand implements Callable<Integer> {
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
    TendServer server = TendServer.start(settings, ServerServices.withoutStore(), List.of());
    PrintWriter out = spec.commandLine().getOut();
    out.println("Tend server " + TendServer.version() + " listening on " + server.uri());
    out.println(
        "API: " + server.uri() + "/api/v1 (OpenAPI: " + server.uri() + "/api/v1/openapi.json)");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              server.close();
              stopped.countDown();
            },
            "tend-server-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
    return Main.OK;
  }
}
