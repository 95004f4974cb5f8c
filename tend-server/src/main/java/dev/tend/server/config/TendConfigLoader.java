package dev.tend.server.config;

import dev.tend.server.alerting.channel.ChannelSettings;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads {@link TendConfig} from one YAML file, {@code TEND_*} environment variables and
 * command-line options, in that order of precedence (options win).
 *
 * <p>Keys ({@link #KEYS}) are dotted names; in the file they may be nested ({@code server:} then
 * {@code port: 8070}) or written flat ({@code server.port: 8070}). Each key's environment variable
 * is the key upper-cased, with dots and dashes turned into underscores and {@code TEND_} in front:
 * {@code server.max-request-body} is {@code TEND_SERVER_MAX_REQUEST_BODY}. An unknown key in the
 * file is an error; other {@code TEND_*} variables (such as {@code TEND_DEBUG}) are left alone.
 * Relative paths are relative to the working directory.
 *
 * <p>Without {@code --config}, the file is {@code tend.yaml} in the data directory named by the
 * {@code data.dir} option, {@code TEND_DATA_DIR} or the default, and a missing file is fine.
 */
public final class TendConfigLoader {
  public static final String FILE_NAME = "tend.yaml";

  public static final String SERVER_PORT = "server.port";
  public static final String SERVER_BIND = "server.bind";
  public static final String SERVER_MAX_REQUEST_BODY = "server.max-request-body";
  public static final String SERVER_SHUTDOWN_TIMEOUT = "server.shutdown-timeout";
  public static final String DATA_DIR = "data.dir";
  public static final String METADATA_URL = "metadata.url";
  public static final String ARTIFACTS_DIR = "artifacts.dir";
  public static final String AUTH_ANONYMOUS_READS = "auth.anonymous-reads";
  public static final String PIPELINES_WORKERS = "pipelines.workers";
  public static final String PIPELINES_LEASE = "pipelines.lease";
  public static final String SERVING_BATCHING_MAX_ROWS = "serving.batching.max-rows";
  public static final String SERVING_BATCHING_MAX_DELAY = "serving.batching.max-delay";
  public static final String SERVING_LOG_SYNC_INTERVAL = "serving.log.sync-interval";
  public static final String MONITORING_INTERVAL = "monitoring.interval";

  /**
   * The alert channels: a list of mappings, each with {@code name}, {@code type} and the type's
   * fields (see docs/alert-channels.md). Only the file sets it; a value that is exactly {@code
   * ${NAME}} or contains it takes environment variable {@code NAME} there, for secrets.
   */
  public static final String ALERTING_CHANNELS = "alerting.channels";

  /** Every key the loader knows, in the order they are documented. */
  public static final List<String> KEYS =
      List.of(
          SERVER_PORT,
          SERVER_BIND,
          SERVER_MAX_REQUEST_BODY,
          SERVER_SHUTDOWN_TIMEOUT,
          DATA_DIR,
          METADATA_URL,
          ARTIFACTS_DIR,
          AUTH_ANONYMOUS_READS,
          PIPELINES_WORKERS,
          PIPELINES_LEASE,
          SERVING_BATCHING_MAX_ROWS,
          SERVING_BATCHING_MAX_DELAY,
          SERVING_LOG_SYNC_INTERVAL,
          MONITORING_INTERVAL);

  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|kib|mib|gib|kb|mb|gb)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

  private TendConfigLoader() {}

  /** The environment variable that overrides {@code key}. */
  public static String envVar(String key) {
    return "TEND_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Loads the configuration.
   *
   * @param configFile the file given with {@code --config}, which must exist
   * @param env the environment, usually {@code System.getenv()}
   * @param options values from command-line options, by key (such as {@code server.port})
   * @throws ConfigException naming the key and where its bad value came from
   */
  public static TendConfig load(
      Optional<Path> configFile, Map<String, String> env, Map<String, String> options) {
    Map<String, Value> values = new LinkedHashMap<>();
    for (String key : options.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown configuration key " + key);
      }
    }
    Optional<Path> file = configFile;
    if (file.isEmpty()) {
      String dir = options.getOrDefault(DATA_DIR, env.get(envVar(DATA_DIR)));
      Path candidate =
          (dir == null ? TendConfig.DEFAULT_DATA_DIR : path(dir, "data directory"))
              .resolve(FILE_NAME);
      file = Files.isRegularFile(candidate) ? Optional.of(candidate) : Optional.empty();
    }
    List<ChannelSettings> channels = new ArrayList<>();
    file.ifPresent(f -> readFile(f, values, channels, env));
    for (String key : KEYS) {
      String name = envVar(key);
      String text = env.get(name);
      if (text != null) {
        values.put(key, new Value(text, "environment variable " + name));
      }
    }
    options.forEach((key, text) -> values.put(key, new Value(text, "option for " + key)));
    return build(values).withAlertChannels(channels);
  }

  private static TendConfig build(Map<String, Value> values) {
    int port =
        value(values, SERVER_PORT)
            .map(v -> (int) integer(v, SERVER_PORT, 0, 65535))
            .orElse(TendConfig.DEFAULT_PORT);
    String bind =
        value(values, SERVER_BIND).map(v -> text(v, SERVER_BIND)).orElse(TendConfig.DEFAULT_BIND);
    long maxBody =
        value(values, SERVER_MAX_REQUEST_BODY)
            .map(v -> size(v, SERVER_MAX_REQUEST_BODY))
            .orElse(TendConfig.DEFAULT_MAX_REQUEST_BODY);
    Duration shutdown =
        value(values, SERVER_SHUTDOWN_TIMEOUT)
            .map(v -> duration(v, SERVER_SHUTDOWN_TIMEOUT))
            .orElse(TendConfig.DEFAULT_SHUTDOWN_TIMEOUT);
    Path dataDir =
        value(values, DATA_DIR).map(v -> path(v, DATA_DIR)).orElse(TendConfig.DEFAULT_DATA_DIR);
    String metadataUrl =
        value(values, METADATA_URL)
            .map(v -> jdbcUrl(v, METADATA_URL))
            .orElse(TendConfig.defaultMetadataUrl(dataDir));
    Path artifactsDir =
        value(values, ARTIFACTS_DIR)
            .map(v -> path(v, ARTIFACTS_DIR))
            .orElse(TendConfig.defaultArtifactsDir(dataDir));
    boolean anonymousReads =
        value(values, AUTH_ANONYMOUS_READS).map(v -> bool(v, AUTH_ANONYMOUS_READS)).orElse(false);
    int workers =
        value(values, PIPELINES_WORKERS)
            .map(v -> (int) integer(v, PIPELINES_WORKERS, 0, 64))
            .orElse(TendConfig.DEFAULT_PIPELINE_WORKERS);
    Duration lease =
        value(values, PIPELINES_LEASE)
            .map(v -> duration(v, PIPELINES_LEASE))
            .orElse(TendConfig.DEFAULT_PIPELINE_LEASE);
    if (lease.toMillis() < 1000) {
      throw new ConfigException(
          PIPELINES_LEASE + " must be at least 1s, found " + values.get(PIPELINES_LEASE).text());
    }
    int batchRows =
        value(values, SERVING_BATCHING_MAX_ROWS)
            .map(v -> (int) integer(v, SERVING_BATCHING_MAX_ROWS, 1, 10_000))
            .orElse(TendConfig.DEFAULT_BATCH_MAX_ROWS);
    Duration batchDelay =
        value(values, SERVING_BATCHING_MAX_DELAY)
            .map(v -> duration(v, SERVING_BATCHING_MAX_DELAY))
            .orElse(TendConfig.DEFAULT_BATCH_MAX_DELAY);
    if (batchDelay.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new ConfigException(
          SERVING_BATCHING_MAX_DELAY
              + " must be at most 1s, found "
              + values.get(SERVING_BATCHING_MAX_DELAY).text());
    }
    Duration syncInterval =
        value(values, SERVING_LOG_SYNC_INTERVAL)
            .map(v -> duration(v, SERVING_LOG_SYNC_INTERVAL))
            .orElse(TendConfig.DEFAULT_LOG_SYNC_INTERVAL);
    if (syncInterval.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new ConfigException(
          SERVING_LOG_SYNC_INTERVAL
              + " must be at most 1m, found "
              + values.get(SERVING_LOG_SYNC_INTERVAL).text());
    }
    Duration monitorInterval =
        value(values, MONITORING_INTERVAL)
            .map(v -> duration(v, MONITORING_INTERVAL))
            .orElse(TendConfig.DEFAULT_MONITOR_INTERVAL);
    if (monitorInterval.toMillis() < 100 || monitorInterval.compareTo(Duration.ofHours(1)) > 0) {
      throw new ConfigException(
          MONITORING_INTERVAL
              + " must be from 100ms to 1h, found "
              + values.get(MONITORING_INTERVAL).text());
    }
    return new TendConfig(
        port,
        bind,
        maxBody,
        shutdown,
        dataDir,
        metadataUrl,
        artifactsDir,
        anonymousReads,
        workers,
        lease,
        batchRows,
        batchDelay,
        syncInterval,
        List.of(),
        monitorInterval);
  }

  private static Optional<Value> value(Map<String, Value> values, String key) {
    return Optional.ofNullable(values.get(key));
  }

  private static void readFile(
      Path file,
      Map<String, Value> values,
      List<ChannelSettings> channels,
      Map<String, String> env) {
    String label = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(label + ": configuration file not found");
    } catch (MalformedInputException e) {
      throw new ConfigException(label + ": configuration file is not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(label + ": cannot read configuration file: " + e.getMessage());
    }
    Optional<Node> root;
    try {
      LoadSettings settings =
          LoadSettings.builder().setLabel(label).setAllowDuplicateKeys(false).build();
      root = new Compose(settings).composeString(text);
    } catch (MarkedYamlEngineException e) {
      String at =
          e.getProblemMark()
              .map(m -> label + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
              .orElse(label);
      throw new ConfigException(at + ": invalid YAML: " + firstLine(e.getProblem()));
    } catch (YamlEngineException e) {
      throw new ConfigException(label + ": invalid YAML: " + firstLine(e.getMessage()));
    }
    if (root.isEmpty() || isNull(root.get())) {
      return;
    }
    if (!(root.get() instanceof MappingNode mapping)) {
      throw new ConfigException(
          at(label, root.get()) + ": the configuration must be a mapping of keys to values");
    }
    flatten(label, "", mapping, values, channels, env);
  }

  private static void flatten(
      String label,
      String prefix,
      MappingNode mapping,
      Map<String, Value> values,
      List<ChannelSettings> channels,
      Map<String, String> env) {
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        throw new ConfigException(at(label, tuple.getKeyNode()) + ": keys must be plain names");
      }
      String key = prefix + keyNode.getValue();
      Node valueNode = tuple.getValueNode();
      if (valueNode instanceof MappingNode nested && isSection(key)) {
        flatten(label, key + ".", nested, values, channels, env);
        continue;
      }
      if (key.equals(ALERTING_CHANNELS)) {
        if (values.containsKey(key)) {
          throw new ConfigException(at(label, keyNode) + ": " + key + " is set twice");
        }
        values.put(key, new Value("(list)", at(label, valueNode)));
        channels.addAll(AlertChannelsReader.read(label, valueNode, env));
        continue;
      }
      if (!KEYS.contains(key)) {
        throw new ConfigException(
            at(label, keyNode)
                + ": unknown key '"
                + key
                + "'; known keys: "
                + String.join(", ", KEYS)
                + ", "
                + ALERTING_CHANNELS);
      }
      if (!(valueNode instanceof ScalarNode scalar) || isNull(valueNode)) {
        throw new ConfigException(at(label, valueNode) + ": " + key + " needs a single value");
      }
      if (values.containsKey(key)) {
        throw new ConfigException(at(label, keyNode) + ": " + key + " is set twice");
      }
      values.put(key, new Value(scalar.getValue(), at(label, valueNode)));
    }
  }

  private static boolean isSection(String prefix) {
    return ALERTING_CHANNELS.startsWith(prefix + ".")
        || KEYS.stream().anyMatch(k -> k.startsWith(prefix + "."));
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  static String at(String label, Node node) {
    return node.getStartMark()
        .map(m -> label + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
        .orElse(label);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "malformed";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private static ConfigException bad(Value value, String key, String expected) {
    return new ConfigException(
        value.origin() + ": " + key + " must be " + expected + ", found '" + value.text() + "'");
  }

  private static String text(Value value, String key) {
    String text = value.text().trim();
    if (text.isEmpty()) {
      throw bad(value, key, "a non-empty text");
    }
    return text;
  }

  private static long integer(Value value, String key, long min, long max) {
    String expected = "a whole number from " + min + " to " + max;
    try {
      long number = Long.parseLong(value.text().trim());
      if (number < min || number > max) {
        throw bad(value, key, expected);
      }
      return number;
    } catch (NumberFormatException e) {
      throw bad(value, key, expected);
    }
  }

  private static boolean bool(Value value, String key) {
    return switch (value.text().trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(value, key, "true or false");
    };
  }

  private static long size(Value value, String key) {
    String expected = "a size in bytes such as 1048576, 512KiB, 64MiB or 1GiB (at least 1 byte)";
    Matcher m = SIZE.matcher(value.text().trim());
    if (!m.matches()) {
      throw bad(value, key, expected);
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "kib", "kb" -> 1L << 10;
          case "mib", "mb" -> 1L << 20;
          case "gib", "gb" -> 1L << 30;
          default -> 1;
        };
    try {
      long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), factor);
      if (bytes < 1) {
        throw bad(value, key, expected);
      }
      return bytes;
    } catch (ArithmeticException | NumberFormatException e) {
      throw bad(value, key, expected);
    }
  }

  private static Duration duration(Value value, String key) {
    String expected = "a duration such as 500ms, 10s, 2m or 1h";
    Matcher m = DURATION.matcher(value.text().trim());
    if (!m.matches()) {
      throw bad(value, key, expected);
    }
    try {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw bad(value, key, expected);
    }
  }

  private static Path path(Value value, String key) {
    String text = text(value, key);
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw bad(value, key, "a file system path");
    }
  }

  private static Path path(String text, String what) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new ConfigException("invalid " + what + " '" + text + "'");
    }
  }

  private static String jdbcUrl(Value value, String key) {
    String text = text(value, key);
    if (!text.startsWith("jdbc:")) {
      throw bad(value, key, "a JDBC URL such as jdbc:sqlite:/var/lib/tend/tend.db");
    }
    return text;
  }

  /** A raw value and where it was set, for messages. */
  private record Value(String text, String origin) {}
}
