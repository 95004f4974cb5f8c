package dev.tend.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Stores folders of files as a {@link Manifest} of blobs, and writes them back. Stateless; safe to
 * call from several threads as long as they do not write to the same output folder.
 */
public final class Manifests {
  private static final int BUFFER_SIZE = 64 * 1024;

  private Manifests() {}

  /**
   * Stores every regular file under {@code folder}, recursively, and returns the manifest with
   * their paths relative to it. Empty folders are not recorded; a symbolic link is rejected rather
   * than followed, so nothing outside {@code folder} is stored by accident.
   */
  public static Manifest putTree(ArtifactStore store, Path folder) {
    requireNonNull(store, "store is null");
    requireNonNull(folder, "folder is null");
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArtifactException("cannot store " + folder + ": it is not a folder");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(path -> !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)).toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ArtifactException("cannot list the files under " + folder, e);
    }
    return putFiles(store, folder, files);
  }

  /**
   * Stores {@code files}, which must all lie under {@code root}, and returns the manifest with
   * their paths relative to {@code root}.
   */
  public static Manifest putFiles(ArtifactStore store, Path root, List<Path> files) {
    requireNonNull(store, "store is null");
    requireNonNull(root, "root is null");
    requireNonNull(files, "files is null");
    Path base = root.toAbsolutePath().normalize();
    List<ManifestEntry> entries = new ArrayList<>(files.size());
    for (Path file : files) {
      Path absolute = requireNonNull(file, "files contains null").toAbsolutePath().normalize();
      if (!absolute.startsWith(base) || absolute.equals(base)) {
        throw new IllegalArgumentException("file " + file + " is not under the root " + root);
      }
      if (!Files.isRegularFile(absolute, LinkOption.NOFOLLOW_LINKS)) {
        throw new ArtifactException(
            "cannot store "
                + file
                + ": it is not a regular file"
                + (Files.isSymbolicLink(absolute) ? " but a symbolic link" : ""));
      }
      String path = toManifestPath(base.relativize(absolute));
      Blob blob;
      try (InputStream in = Files.newInputStream(absolute)) {
        blob = store.put(in);
      } catch (IOException e) {
        throw new ArtifactException("cannot read " + file + " to store it", e);
      }
      entries.add(new ManifestEntry(path, blob.size(), blob.sha256()));
    }
    return new Manifest(entries);
  }

  private static String toManifestPath(Path relative) {
    List<String> segments = new ArrayList<>(relative.getNameCount());
    for (Path segment : relative) {
      segments.add(segment.toString());
    }
    return ManifestEntry.requireValidPath(String.join("/", segments));
  }

  /**
   * Writes every file of {@code manifest} under {@code outDir}, creating folders as needed and
   * replacing files at the same paths; other files are left alone. Each file is streamed to a
   * temporary file beside it, checked against its size and SHA-256 while it streams, then renamed
   * into place, so a file at its final path is always complete and correct.
   *
   * @throws ArtifactCorruptedException if a blob does not match the manifest
   * @throws ArtifactNotFoundException if a blob is missing
   */
  public static void materialize(ArtifactStore store, Manifest manifest, Path outDir) {
    requireNonNull(store, "store is null");
    requireNonNull(manifest, "manifest is null");
    requireNonNull(outDir, "outDir is null");
    Path base;
    try {
      Files.createDirectories(outDir);
      base = outDir.toRealPath();
    } catch (IOException e) {
      throw new ArtifactException("cannot create the output folder " + outDir, e);
    }
    byte[] buffer = new byte[BUFFER_SIZE];
    for (ManifestEntry entry : manifest.entries()) {
      writeEntry(store, entry, base, buffer);
    }
  }

  private static void writeEntry(
      ArtifactStore store, ManifestEntry entry, Path base, byte[] buffer) {
    Path target = base.resolve(entry.path());
    Path temp;
    try {
      Path parent = createFoldersInside(base, entry.path());
      temp = Files.createTempFile(parent, ".tend-", ".part");
    } catch (IOException e) {
      throw new ArtifactException("cannot create the folder for " + target, e);
    }
    boolean moved = false;
    try {
      MessageDigest digest = LocalArtifactStore.sha256Digest();
      long total = 0;
      try (InputStream in = store.open(entry.sha256());
          FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          total += n;
          if (total > entry.size()) {
            throw new ArtifactCorruptedException(
                entry.sha256(),
                "it is longer than the " + entry.size() + " bytes of " + entry.path());
          }
          digest.update(buffer, 0, n);
          ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
          while (chunk.hasRemaining()) {
            out.write(chunk);
          }
        }
        out.force(true);
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (total != entry.size() || !actual.equals(entry.sha256())) {
        throw new ArtifactCorruptedException(
            entry.sha256(),
            "writing " + entry.path() + " read " + total + " bytes hashing to " + actual);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } catch (IOException e) {
      throw new ArtifactException("cannot write " + target + " from blob " + entry.sha256(), e);
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // a hidden .part file is left; it does not affect the materialized files
        }
      }
    }
  }

  /**
   * Creates the folders of {@code path} under {@code base} one by one, refusing to follow a
   * symbolic link, which could lead the write outside {@code base}.
   */
  private static Path createFoldersInside(Path base, String path) throws IOException {
    Path folder = base;
    String[] segments = path.split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      folder = folder.resolve(segments[i]);
      if (Files.isSymbolicLink(folder)) {
        throw new ArtifactException(
            "cannot write " + path + ": " + folder + " is a symbolic link, which is not followed");
      }
      if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createDirectory(folder);
        } catch (FileAlreadyExistsException e) {
          if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactException(
                "cannot write " + path + ": " + folder + " exists and is not a folder", e);
          }
        }
      }
    }
    return folder;
  }

  /**
   * Stores the manifest's canonical text as a blob, whose name is the manifest's {@code sha256}.
   */
  public static Blob save(ArtifactStore store, Manifest manifest) {
    requireNonNull(store, "store is null");
    byte[] text = manifest.canonicalText().getBytes(StandardCharsets.UTF_8);
    return store.put(
        new ByteArrayInputStream(text),
        OptionalLong.of(text.length),
        Optional.of(manifest.sha256()));
  }

  /**
   * Reads a manifest saved by {@link #save}.
   *
   * @throws ArtifactNotFoundException if it is not stored
   * @throws ArtifactCorruptedException if the blob does not hash to {@code sha256} or does not
   *     parse
   */
  public static Manifest load(ArtifactStore store, String sha256) {
    requireNonNull(store, "store is null");
    byte[] text;
    try (InputStream in = store.open(sha256)) {
      text = in.readAllBytes();
    } catch (IOException e) {
      throw new ArtifactException("cannot read manifest " + sha256, e);
    }
    Manifest manifest;
    try {
      manifest =
          Manifest.parse(
              StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(text)).toString());
    } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
      throw new ArtifactCorruptedException(sha256, "it is not a valid manifest: " + e.getMessage());
    }
    if (!manifest.sha256().equals(sha256)) {
      throw new ArtifactCorruptedException(
          sha256, "its manifest text hashes to " + manifest.sha256());
    }
    return manifest;
  }
}
