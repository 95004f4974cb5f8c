package dev.tend.cli;

import dev.tend.cli.remote.TendClient;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the commands that talk to a Tend server find it and as whom: each option falls back to its
 * environment variable, then to a default.
 */
public final class Connection {
  static final String URL = "TEND_URL";
  static final String TOKEN = "TEND_TOKEN";
  static final String DEFAULT_URL = "http://127.0.0.1:8070";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "Tend server (default: $TEND_URL, else " + DEFAULT_URL + ").")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "API token (default: $TEND_TOKEN; prefer the variable, options show in process lists).")
  String token;

  public static Map<String, String> environment(CommandSpec spec) {
    return ((Main) spec.root().userObject()).environment();
  }

  private String setting(String option, String variable, String fallback) {
    return setting(environment(mixee), option, variable, fallback);
  }

  static String setting(
      Map<String, String> environment, String option, String variable, String fallback) {
    if (option != null) {
      return option;
    }
    String value = environment.get(variable);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** A client of the server, with the token when one is set. */
  public TendClient open() {
    String server = setting(url, URL, DEFAULT_URL);
    try {
      return TendClient.connect(server, Optional.ofNullable(setting(token, TOKEN, null)));
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--url/" + URL + ": " + e.getMessage());
    }
  }
}
