package dev.tend.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.Progress;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.IntegrityException;
import dev.tend.cli.remote.TendClient;
import dev.tend.cli.remote.UnreachableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend data pull NAME@REF --out DIR}: downloads every file of a version into a folder,
 * streamed, each verified by size and SHA-256 before it takes its name.
 */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description = {
      "Downloads every file of a version into DIR under its path in the version.",
      "Each file is written to a temporary name, verified by size and SHA-256, then renamed; files"
          + " already there with the same content are kept, different ones are refused unless"
          + " --force."
    })
final class DataPullCommand implements Callable<Integer> {
  private static final int BUFFER = 1 << 20;

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin ProjectOption project;
  @Mixin FormatOption format;

  @Parameters(paramLabel = "NAME@REF", description = "The version: trips@3, trips@production.")
  String reference;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Target folder.")
  Path out;

  @Option(names = "--force", description = "Overwrite files in DIR whose content differs.")
  boolean force;

  /** A file of the version and where it goes. */
  record Target(String path, long size, String sha256, Path file) {}

  @Override
  public Integer call() {
    boolean json = format.json();
    DatasetRef ref = DatasetRef.parse(reference);
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new Main.UsageException("--out " + out + " is a file, not a folder");
    }
    int written = 0;
    long writtenBytes = 0;
    JsonNode version;
    List<Target> targets;
    try (TendClient client = connection.open();
        Progress progress = Progress.start(spec.commandLine().getErr(), "pulling " + ref)) {
      version = client.get(DataCommand.versionPath(project.name(), ref)).body();
      targets = targets(version);
      List<Target> missing = new ArrayList<>();
      List<String> conflicts = new ArrayList<>();
      for (Target target : targets) {
        if (!Files.exists(target.file())) {
          missing.add(target);
        } else if (!sameContent(target)) {
          conflicts.add(target.path());
          missing.add(target);
        }
      }
      if (!conflicts.isEmpty() && !force) {
        throw new Main.UsageException(
            "refusing to overwrite "
                + conflicts.size()
                + " file"
                + (conflicts.size() == 1 ? "" : "s")
                + " in "
                + out
                + " whose content differs ("
                + String.join(", ", conflicts.subList(0, Math.min(5, conflicts.size())))
                + (conflicts.size() > 5 ? ", ..." : "")
                + "); pull into an empty folder or add --force");
      }
      for (int i = 0; i < missing.size(); i++) {
        Target target = missing.get(i);
        AtomicLong received = new AtomicLong();
        progress.show(
            "downloading " + target.path() + " (" + (i + 1) + " of " + missing.size() + ")",
            () ->
                target.size() == 0
                    ? OptionalDouble.empty()
                    : OptionalDouble.of(100.0 * received.get() / target.size()));
        download(client, target, received);
        written++;
        writtenBytes += target.size();
      }
    }
    return report(ref, version, targets, written, writtenBytes, json);
  }

  private int report(
      DatasetRef ref,
      JsonNode version,
      List<Target> targets,
      int written,
      long writtenBytes,
      boolean json) {
    PrintWriter printer = spec.commandLine().getOut();
    if (json) {
      ObjectNode result =
          FormatOption.object()
              .put("project", project.name())
              .put("dataset", ref.dataset())
              .put("version", version.path("number").asInt())
              .put("out", out.toAbsolutePath().normalize().toString())
              .put("downloaded_files", written)
              .put("downloaded_bytes", writtenBytes)
              .put("unchanged_files", targets.size() - written);
      ArrayNode files = result.putArray("files");
      for (Target target : targets) {
        files
            .addObject()
            .put("path", target.path())
            .put("size", target.size())
            .put("sha256", target.sha256());
      }
      FormatOption.print(printer, result);
    } else {
      printer.printf(
          "Pulled %s@%d (project %s) into %s: %d file%s, %s downloaded, %d unchanged%n",
          ref.dataset(),
          version.path("number").asInt(),
          project.name(),
          out,
          written,
          written == 1 ? "" : "s",
          Table.bytes(writtenBytes),
          targets.size() - written);
      printer.flush();
    }
    return Main.OK;
  }

  private List<Target> targets(JsonNode version) {
    Path root = out.toAbsolutePath().normalize();
    List<Target> targets = new ArrayList<>();
    for (JsonNode file : version.path("files")) {
      String path = file.path("path").asText();
      Path target = root.resolve(path).normalize();
      if (path.isEmpty()
          || path.startsWith("/")
          || !target.startsWith(root)
          || target.equals(root)) {
        throw new IntegrityException("the server named a file outside the folder: " + path);
      }
      String sha256 = file.path("sha256").asText();
      if (!sha256.matches("[0-9a-f]{64}")) {
        throw new IntegrityException("the server named a file by a bad hash: " + sha256);
      }
      targets.add(new Target(path, file.path("size").asLong(), sha256, target));
    }
    return targets;
  }

  private static boolean sameContent(Target target) {
    if (!Files.isRegularFile(target.file())) {
      return false;
    }
    try {
      if (Files.size(target.file()) != target.size()) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    return LocalFile.hash(target.file(), target.path(), n -> {}).sha256().equals(target.sha256());
  }

  private static int read(TendClient client, Target target, InputStream in, byte[] buffer) {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw new UnreachableException(
          client.server(), "the download of " + target.path() + " broke off: " + e.getMessage(), e);
    }
  }

  /* Streams into a temporary file beside the target, hashing as it writes; renames only if right. */
  private static void download(TendClient client, Target target, AtomicLong received) {
    Path temp = null;
    try {
      Files.createDirectories(target.file().getParent());
      temp = Files.createTempFile(target.file().getParent(), ".tend-pull-", ".part");
      MessageDigest digest = LocalFile.newDigest();
      long size = 0;
      try (InputStream in = client.openBlob(target.sha256());
          OutputStream file = Files.newOutputStream(temp)) {
        byte[] buffer = new byte[BUFFER];
        for (int n = read(client, target, in, buffer);
            n >= 0;
            n = read(client, target, in, buffer)) {
          digest.update(buffer, 0, n);
          file.write(buffer, 0, n);
          size += n;
          received.addAndGet(n);
        }
      }
      String sha256 = HexFormat.of().formatHex(digest.digest());
      if (size != target.size() || !sha256.equals(target.sha256())) {
        throw new IntegrityException(
            "the download of "
                + target.path()
                + " is corrupt: "
                + size
                + " bytes with SHA-256 "
                + sha256
                + ", expected "
                + target.size()
                + " bytes with "
                + target.sha256()
                + "; nothing was written, pull again");
      }
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(
          temp, target.file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
    } catch (IOException e) {
      throw new UncheckedIOException(
          new IOException("cannot write " + target.file() + ": " + e.getMessage(), e));
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // the temporary name starts with a dot; a later pull ignores it
        }
      }
    }
  }
}
