package dev.tend.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An {@link ArtifactStore} in a local folder, the embedded default. Thread-safe, and safe for
 * several processes sharing the folder on one file system: it keeps no state but the folder.
 *
 * <p>Layout under the root: {@code blobs/ab/cd/abcd...} holds the blob whose SHA-256 starts with
 * {@code abcd} (two levels of 256 folders keep directories small); {@code tmp/} holds uploads in
 * progress. Both must be on the same file system, which keeping them under one root ensures.
 */
public final class LocalArtifactStore implements ArtifactStore {
  /*
   * Invariants: a file under blobs/ is complete, fsynced and hashes to its name, because it only
   * gets there by an atomic rename of a checked temp file. Temp files are unique per put
   * (createTempFile), so concurrent puts never share one. If the target exists when a put
   * finishes, it already holds the same bytes (same name, same size), so the temp is dropped.
   */

  /** Bytes read and written per step; the only per-put memory besides the digest. */
  static final int BUFFER_SIZE = 64 * 1024;

  private static final HexFormat HEX = HexFormat.of();

  private final Path root;
  private final Path blobs;
  private final Path tmp;
  private final long maxBytesPerPut;

  private LocalArtifactStore(Path root, long maxBytesPerPut) {
    this.root = root;
    this.blobs = root.resolve("blobs");
    this.tmp = root.resolve("tmp");
    this.maxBytesPerPut = maxBytesPerPut;
  }

  /** Opens the store in {@code root}, creating the folder if needed, with no size limit. */
  public static LocalArtifactStore open(Path root) {
    return open(root, Long.MAX_VALUE);
  }

  /**
   * Opens the store in {@code root}, creating the folder if needed; a put of more than {@code
   * maxBytesPerPut} bytes fails with {@link ArtifactTooLargeException}.
   */
  public static LocalArtifactStore open(Path root, long maxBytesPerPut) {
    requireNonNull(root, "root is null");
    if (maxBytesPerPut < 0) {
      throw new IllegalArgumentException("maxBytesPerPut must be >= 0, was " + maxBytesPerPut);
    }
    LocalArtifactStore store =
        new LocalArtifactStore(root.toAbsolutePath().normalize(), maxBytesPerPut);
    try {
      Files.createDirectories(store.blobs);
      Files.createDirectories(store.tmp);
    } catch (IOException e) {
      throw new ArtifactException("cannot create the artifact store folders under " + root, e);
    }
    return store;
  }

  /** The folder this store keeps its files in. */
  public Path root() {
    return root;
  }

  @Override
  public Blob put(InputStream in, OptionalLong expectedSize, Optional<String> expectedSha256) {
    requireNonNull(in, "in is null");
    requireNonNull(expectedSize, "expectedSize is null");
    requireNonNull(expectedSha256, "expectedSha256 is null");
    if (expectedSize.isPresent() && expectedSize.getAsLong() < 0) {
      throw new IllegalArgumentException(
          "expectedSize must be >= 0, was " + expectedSize.getAsLong());
    }
    expectedSha256.ifPresent(Blob::requireValidSha256);

    Path temp;
    try {
      temp = Files.createTempFile(tmp, "put-", ".part");
    } catch (IOException e) {
      throw new ArtifactException("cannot create a temporary file in " + tmp + " for a put", e);
    }
    boolean published = false;
    try {
      Blob blob = writeAndHash(in, temp, expectedSize);
      if (expectedSize.isPresent() && blob.size() != expectedSize.getAsLong()) {
        throw new ArtifactMismatchException(
            "content has "
                + blob.size()
                + " bytes but "
                + expectedSize.getAsLong()
                + " were expected; nothing was stored");
      }
      if (expectedSha256.isPresent() && !expectedSha256.get().equals(blob.sha256())) {
        throw new ArtifactMismatchException(
            "content has SHA-256 "
                + blob.sha256()
                + " but "
                + expectedSha256.get()
                + " was expected; nothing was stored");
      }
      published = publish(temp, blob);
      return blob;
    } finally {
      if (!published) {
        deleteQuietly(temp);
      }
    }
  }

  private Blob writeAndHash(InputStream in, Path temp, OptionalLong expectedSize) {
    MessageDigest digest = sha256Digest();
    byte[] buffer = new byte[BUFFER_SIZE];
    long limit = Math.min(maxBytesPerPut, expectedSize.orElse(Long.MAX_VALUE));
    long total = 0;
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (IOException e) {
          throw new ArtifactException(
              "reading the content to store failed after " + total + " bytes; nothing was stored",
              e);
        }
        if (n < 0) {
          break;
        }
        total += n;
        if (total > limit) {
          if (total > maxBytesPerPut) {
            throw new ArtifactTooLargeException(maxBytesPerPut);
          }
          throw new ArtifactMismatchException(
              "content is longer than the "
                  + expectedSize.getAsLong()
                  + " bytes expected; nothing was stored");
        }
        digest.update(buffer, 0, n);
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          out.write(chunk);
        }
      }
      out.force(true);
    } catch (IOException e) {
      throw new ArtifactException(
          "writing temporary file " + temp + " failed after " + total + " bytes", e);
    }
    return new Blob(HEX.formatHex(digest.digest()), total);
  }

  /** Moves the checked temp file into place; returns false if it was not needed (de-duplicated). */
  private boolean publish(Path temp, Blob blob) {
    Path target = blobPath(blob.sha256());
    try {
      if (sizeIfPresent(target) == blob.size()) {
        return false; // same name and size, so the same bytes: the temp is dropped
      }
      Files.createDirectories(target.getParent());
      try {
        // rename(2): atomic, and replaces a target that is corrupted or raced in with equal bytes
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        if (sizeIfPresent(target) != blob.size()) {
          throw e; // a file system that will not replace: leave the corrupted copy to verify()
        }
        return false;
      }
      syncDirectory(target.getParent());
      return true;
    } catch (AtomicMoveNotSupportedException e) {
      throw new ArtifactException(
          "the file system under " + root + " cannot rename atomically; blob " + blob.sha256(), e);
    } catch (IOException e) {
      throw new ArtifactException("cannot publish blob " + blob.sha256() + " at " + target, e);
    }
  }

  @Override
  public InputStream open(String sha256) {
    Path path = blobPath(sha256);
    try {
      return Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw new ArtifactNotFoundException(sha256, "open it");
    } catch (IOException e) {
      throw new ArtifactException("cannot open blob " + sha256 + " at " + path, e);
    }
  }

  @Override
  public boolean exists(String sha256) {
    return Files.isRegularFile(blobPath(sha256), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public long size(String sha256) {
    Path path = blobPath(sha256);
    try {
      return Files.size(path);
    } catch (NoSuchFileException e) {
      throw new ArtifactNotFoundException(sha256, "read its size");
    } catch (IOException e) {
      throw new ArtifactException("cannot read the size of blob " + sha256 + " at " + path, e);
    }
  }

  @Override
  public void verify(String sha256) {
    MessageDigest digest = sha256Digest();
    byte[] buffer = new byte[BUFFER_SIZE];
    long total = 0;
    try (InputStream in = open(sha256)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
        total += n;
      }
    } catch (IOException e) {
      throw new ArtifactException("reading blob " + sha256 + " to verify it failed", e);
    }
    String actual = HEX.formatHex(digest.digest());
    if (!actual.equals(sha256)) {
      throw new ArtifactCorruptedException(
          sha256, "its " + total + " bytes hash to " + actual + " (file " + blobPath(sha256) + ")");
    }
  }

  @Override
  public boolean delete(String sha256) {
    Path path = blobPath(sha256);
    try {
      return Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new ArtifactException("cannot delete blob " + sha256 + " at " + path, e);
    }
  }

  @Override
  public int cleanupTemporary(Duration olderThan) {
    requireNonNull(olderThan, "olderThan is null");
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("olderThan must not be negative, was " + olderThan);
    }
    Instant cutoff = Instant.now().minus(olderThan);
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
      for (Path file : files) {
        try {
          if (!Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                  .toInstant()
                  .isAfter(cutoff)
              && Files.deleteIfExists(file)) {
            removed++;
          }
        } catch (NoSuchFileException e) {
          // published or cleaned up by someone else meanwhile
        }
      }
    } catch (IOException e) {
      throw new ArtifactException("cannot clean up temporary files in " + tmp, e);
    }
    return removed;
  }

  @Override
  public String toString() {
    return "LocalArtifactStore[" + root + "]";
  }

  Path blobPath(String sha256) {
    Blob.requireValidSha256(sha256);
    return blobs.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
  }

  private static long sizeIfPresent(Path path) throws IOException {
    try {
      return Files.size(path);
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  /** Makes a rename durable; not every platform can open a directory, which is then skipped. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the blob is complete and fsynced; only the rename may be lost on power loss
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // left for cleanupTemporary
    }
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
