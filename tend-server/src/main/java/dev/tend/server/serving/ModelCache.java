package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import dev.tend.artifacts.ArtifactStore;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.registry.ModelVersion;
import dev.tend.serving.protocol.DecodeLimits;
import dev.tend.train.model.Model;
import dev.tend.train.model.ModelLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Loaded model versions by id. A version's files are downloaded once to {@code <root>/<version
 * id>/} (written to a temporary folder and renamed, so a folder under its id is always complete),
 * loaded with {@link ModelLoader}, and kept until {@link #retain} drops versions no deployment
 * points at. Thread-safe.
 */
final class ModelCache implements AutoCloseable {
  private final ArtifactStore artifacts;
  private final Path root;
  private final DecodeLimits limits;
  private final Batching batching;
  private final ConcurrentHashMap<String, ServedModel> models = new ConcurrentHashMap<>();

  ModelCache(ArtifactStore artifacts, Path root, DecodeLimits limits, Batching batching) {
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    this.limits = requireNonNull(limits, "limits is null");
    this.batching = requireNonNull(batching, "batching is null");
  }

  /**
   * The loaded {@code version}, acquired for the caller, who must {@link ServedModel#release} it.
   *
   * @throws dev.tend.train.TrainException when the files hold no model Tend can load
   */
  ServedModel acquire(ModelVersion version) {
    while (true) {
      ServedModel served = models.computeIfAbsent(version.id(), id -> load(version));
      if (served.acquire()) {
        return served;
      }
      models.remove(version.id(), served);
    }
  }

  /** Drops and closes every loaded version whose id is not in {@code versionIds}. */
  void retain(Set<String> versionIds) {
    for (var entry : models.entrySet()) {
      if (!versionIds.contains(entry.getKey()) && models.remove(entry.getKey(), entry.getValue())) {
        entry.getValue().retire();
      }
    }
  }

  private ServedModel load(ModelVersion version) {
    Path folder = download(version);
    Model model = ModelLoader.load(folder);
    try {
      return new ServedModel(version, model, limits, batching);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private Path download(ModelVersion version) {
    Path folder = root.resolve(version.id());
    if (Files.isDirectory(folder)) {
      return folder;
    }
    if (version.files().isEmpty()) {
      throw new IllegalArgumentException(
          "model version "
              + version.modelName()
              + "/"
              + version.version()
              + " has no recorded files to serve (its source is "
              + version.source()
              + ")");
    }
    Path partial = null;
    try {
      Files.createDirectories(root);
      partial = Files.createTempDirectory(root, ".partial-" + version.id() + "-");
      for (ManifestEntry file : version.files()) {
        Path target = partial.resolve(file.path()).normalize();
        if (!target.startsWith(partial)) {
          throw new IllegalArgumentException(
              "model version "
                  + version.id()
                  + " records a file outside its folder: "
                  + file.path());
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = artifacts.open(file.sha256())) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      try {
        Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
        partial = null;
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // Another process downloaded it first; its folder is complete.
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot download model version " + version.id(), e);
    } finally {
      if (partial != null) {
        deleteTree(partial);
      }
    }
  }

  private static void deleteTree(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // Left for the next start; a partial folder is never loaded.
                }
              });
    } catch (IOException ignored) {
      // As above.
    }
  }

  @Override
  public void close() {
    retain(Set.of());
  }
}
