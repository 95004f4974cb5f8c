package dev.tend.cli.data;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * A file of a version on this machine: where it is, its path inside the version ({@code /}
 * separated), its size and SHA-256.
 */
record LocalFile(Path file, String path, long size, String sha256) {
  private static final int BUFFER = 1 << 20;

  LocalFile {
    requireNonNull(file, "file is null");
    requireNonNull(path, "path is null");
    requireNonNull(sha256, "sha256 is null");
  }

  /** Hashes {@code file} by streaming it, telling {@code read} each chunk's size. */
  static LocalFile hash(Path file, String path, LongConsumer read) {
    MessageDigest digest = newDigest();
    long size = 0;
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
        size += n;
        read.accept(n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException("cannot read " + file + ": " + e, e));
    }
    return new LocalFile(file, path, size, HexFormat.of().formatHex(digest.digest()));
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
