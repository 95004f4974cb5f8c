package dev.tend.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.EngineSettings;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.Progress;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.IntegrityException;
import dev.tend.cli.remote.ProblemException;
import dev.tend.cli.remote.RemoteException;
import dev.tend.cli.remote.TendClient;
import dev.tend.cli.remote.UnreachableException;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.source.DataSource;
import dev.tend.source.DataSources;
import dev.tend.source.Format;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend data push NAME PATH} or {@code --query SQL --jdbc URL}: uploads the files the server
 * lacks (hashed and sent streamed from disk) and commits them as a new version, which the server
 * profiles and checks against the dataset's suite.
 */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = {
      "Pushes a file, a folder or a glob (or a query's result) as a new version of a dataset.",
      "Files are hashed (SHA-256) and only those the server lacks are uploaded; the version is then"
          + " committed with an idempotency key, so a retried push cannot make two versions.",
      "Exit 0 when the version is accepted, 1 when its checks rejected it."
    })
final class DataPushCommand implements Callable<Integer> {
  static final int ATTEMPTS = 3;

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin ProjectOption project;
  @Mixin FormatOption format;
  @Mixin EngineSettings engineSettings;

  @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name.")
  String name;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "PATH",
      description = "File, folder or glob to push (quote globs). Omit it with --jdbc.")
  String location;

  @Option(
      names = "--input-format",
      paramLabel = "FORMAT",
      description = "csv, parquet, json or jsonl; default: from the file names.")
  String inputFormat;

  @Option(
      names = "--jdbc",
      paramLabel = "URL",
      description = "Push the result of --query on this JDBC database, as Parquet.")
  String jdbcUrl;

  @Option(names = "--query", paramLabel = "SQL", description = "SQL query run on --jdbc.")
  String query;

  @Option(names = "--user", paramLabel = "NAME", description = "Database user for --jdbc.")
  String user;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "Environment variable holding the database password for --jdbc.")
  String passwordEnv;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description =
          "Key of this push (default: a new UUID). Running the same push again with the same key"
              + " answers the version the first run made instead of making another.")
  String idempotencyKey;

  /** What one push did. */
  record Outcome(
      JsonNode version,
      List<LocalFile> files,
      int uploaded,
      long uploadedBytes,
      boolean replayed) {}

  @Override
  public Integer call() {
    boolean json = format.json();
    Optional<Format> explicit = explicitFormat();
    boolean fromQuery = jdbcUrl != null || query != null;
    if (fromQuery && (jdbcUrl == null || query == null)) {
      throw new Main.UsageException("--jdbc and --query go together");
    }
    if (fromQuery && location != null) {
      throw new Main.UsageException("give either a PATH or --jdbc with --query, not both");
    }
    if (!fromQuery && location == null) {
      throw new Main.UsageException("name the data to push: a file, folder or glob");
    }
    DataSource.Files data = fromQuery ? null : DataSources.parse(location, explicit);
    String key = idempotencyKey == null ? UUID.randomUUID().toString() : idempotencyKey;
    Path temp = null;
    Outcome outcome;
    try (TendClient client = connection.open();
        Progress progress = Progress.start(spec.commandLine().getErr(), "pushing " + name)) {
      client.get(DataCommand.path(project.name(), name));
      List<LocalFile> files;
      String source;
      Optional<Format> pushedFormat = explicit;
      if (fromQuery) {
        temp = createTempFolder();
        Path parquet = temp.resolve(name + ".parquet");
        progress.show("running the query", OptionalDouble::empty);
        export(parquet);
        files = List.of(hash(parquet, parquet.getFileName().toString(), progress, 1, 1));
        source = JdbcUrls.withoutPassword(jdbcUrl);
        pushedFormat = Optional.of(Format.PARQUET);
      } else {
        files = hashAll(data, progress);
        source = absolute(data);
      }
      outcome = push(client, files, pushedFormat, source, key, progress);
    } finally {
      if (temp != null) {
        deleteTree(temp);
      }
    }
    return report(outcome, json);
  }

  private Optional<Format> explicitFormat() {
    if (inputFormat == null) {
      return Optional.empty();
    }
    return Optional.of(
        Format.parse(inputFormat)
            .orElseThrow(
                () ->
                    new Main.UsageException(
                        "unknown format '" + inputFormat + "'; use csv, parquet, json or jsonl")));
  }

  private static String absolute(DataSource.Files data) {
    Path root = data.root().toAbsolutePath().normalize();
    return data.glob().map(g -> root + "/" + g).orElse(root.toString());
  }

  private List<LocalFile> hashAll(DataSource.Files data, Progress progress) {
    List<Path> paths = DataSources.files(data);
    boolean single = data.glob().isEmpty() && Files.isRegularFile(data.root());
    List<LocalFile> files = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      Path file = paths.get(i);
      String path =
          single
              ? file.getFileName().toString()
              : data.root()
                  .relativize(file)
                  .toString()
                  .replace(file.getFileSystem().getSeparator(), "/");
      files.add(hash(file, path, progress, i + 1, paths.size()));
    }
    return files;
  }

  private static LocalFile hash(Path file, String path, Progress progress, int index, int count) {
    long size = size(file);
    AtomicLong read = new AtomicLong();
    progress.show(
        "hashing " + path + " (" + index + " of " + count + ")", () -> percent(read.get(), size));
    return LocalFile.hash(file, path, read::addAndGet);
  }

  private Outcome push(
      TendClient client,
      List<LocalFile> files,
      Optional<Format> pushedFormat,
      String source,
      String key,
      Progress progress) {
    int uploaded = 0;
    long uploadedBytes = 0;
    for (int i = 0; i < files.size(); i++) {
      LocalFile file = files.get(i);
      if (client.hasBlob(file.sha256(), file.size())) {
        continue;
      }
      AtomicLong sent = new AtomicLong();
      progress.show(
          "uploading " + file.path() + " (" + (i + 1) + " of " + files.size() + ")",
          () -> percent(sent.get(), file.size()));
      client.putBlob(file.sha256(), file.file(), sent::addAndGet);
      uploaded++;
      uploadedBytes += file.size();
    }
    ObjectNode body = FormatOption.object();
    ArrayNode list = body.putArray("files");
    for (LocalFile file : files) {
      list.addObject()
          .put("path", file.path())
          .put("size", file.size())
          .put("sha256", file.sha256());
    }
    pushedFormat.ifPresent(f -> body.put("format", f.label()));
    body.put("source", source);
    progress.show("profiling and checking on the server", OptionalDouble::empty);
    TendClient.Response response = commit(client, body, key);
    return new Outcome(response.body(), files, uploaded, uploadedBytes, response.replayed());
  }

  /* Retries only what cannot have made a second version: the key makes a repeat a replay. */
  private TendClient.Response commit(TendClient client, ObjectNode body, String key) {
    String path = DataCommand.path(project.name(), name) + "/versions";
    for (int attempt = 1; ; attempt++) {
      try {
        return client.send("POST", path, Optional.of(body), Map.of("Idempotency-Key", key));
      } catch (RemoteException e) {
        if (attempt >= ATTEMPTS || !retryable(e)) {
          throw e;
        }
      }
      try {
        Thread.sleep(500L << (attempt - 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while retrying the push", e);
      }
    }
  }

  private static boolean retryable(RemoteException e) {
    return switch (e) {
      case UnreachableException u -> true;
      case ProblemException p -> p.status() >= 500 || p.code().equals("idempotency-in-progress");
      case IntegrityException i -> false;
    };
  }

  private int report(Outcome outcome, boolean json) {
    JsonNode version = outcome.version();
    String status = version.path("status").asText();
    List<String> failed = new ArrayList<>();
    version.path("checks").path("failed").forEach(c -> failed.add(c.asText()));
    long bytes = outcome.files().stream().mapToLong(LocalFile::size).sum();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode result =
          FormatOption.object()
              .put("project", project.name())
              .put("dataset", name)
              .put("version", version.path("number").asInt())
              .put("status", status)
              .put("row_count", version.path("row_count").asLong())
              .put("total_bytes", bytes)
              .put("files", outcome.files().size())
              .put("uploaded_files", outcome.uploaded())
              .put("uploaded_bytes", outcome.uploadedBytes())
              .put("replayed", outcome.replayed());
      ArrayNode checks = result.putArray("failed_checks");
      failed.forEach(checks::add);
      FormatOption.print(out, result);
    } else {
      out.printf(
          "Pushed %s (project %s): %d file%s, %s; uploaded %d, %d already on the server%n",
          name,
          project.name(),
          outcome.files().size(),
          outcome.files().size() == 1 ? "" : "s",
          Table.bytes(bytes),
          outcome.uploaded(),
          outcome.files().size() - outcome.uploaded());
      if (outcome.replayed()) {
        out.println("This push was made before with the same idempotency key; no new version.");
      }
      out.printf(
          "Version %d: %s, %s rows%n",
          version.path("number").asInt(), status, Table.count(version.path("row_count").asLong()));
      if (!failed.isEmpty()) {
        out.println("Failed checks:");
        failed.forEach(check -> out.println("  FAIL  " + check));
      }
      if (status.equals("rejected")) {
        out.println("Aliases stay where they were; a maintainer may move one with --force.");
      }
      out.flush();
    }
    return status.equals("accepted") ? Main.OK : Main.CHECK_FAILED;
  }

  private void export(Path parquet) {
    Optional<String> password = Optional.empty();
    if (passwordEnv != null) {
      String value = Connection.environment(spec).get(passwordEnv);
      if (value == null) {
        throw new Main.UsageException("environment variable " + passwordEnv + " is not set");
      }
      password = Optional.of(value);
    }
    DataSource.JdbcQuery source;
    try {
      source = new DataSource.JdbcQuery(jdbcUrl, Optional.ofNullable(user), password, query);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--jdbc: " + e.getMessage());
    }
    try (Engine engine = engineSettings.engine();
        Dataset dataset = engine.open(source)) {
      dataset.export(parquet);
    }
  }

  private static OptionalDouble percent(long done, long total) {
    return total <= 0 ? OptionalDouble.empty() : OptionalDouble.of(100.0 * done / total);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException("cannot read " + file + ": " + e, e));
    }
  }

  private static Path createTempFolder() {
    try {
      return Files.createTempDirectory("tend-push-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          new IOException("cannot create a temporary folder for the query result: " + e, e));
    }
  }

  private static void deleteTree(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      // a leftover temporary folder is harmless; the push itself is done
    }
  }
}
