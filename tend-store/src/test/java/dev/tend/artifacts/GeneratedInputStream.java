package dev.tend.artifacts;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Deterministic pseudo-random bytes produced on the fly, so a test can store gigabytes without
 * holding them; remembers the largest read it was asked for.
 */
final class GeneratedInputStream extends InputStream {
  private final long size;
  private long state;
  private long position;
  private int maxReadLength;

  GeneratedInputStream(long size, long seed) {
    this.size = size;
    this.state = seed;
  }

  /** The SHA-256 of what a stream with this size and seed produces, computed separately. */
  static String sha256Of(long size, long seed) {
    MessageDigest digest = LocalArtifactStore.sha256Digest();
    byte[] buffer = new byte[1 << 20];
    try (GeneratedInputStream in = new GeneratedInputStream(size, seed)) {
      for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    maxReadLength = Math.max(maxReadLength, len);
    if (position >= size) {
      return -1;
    }
    int n = (int) Math.min(len, size - position);
    for (int i = 0; i < n; i++) {
      if (((position + i) & 7) == 0) {
        state = state * 6364136223846793005L + 1442695040888963407L;
      }
      b[off + i] = (byte) (state >>> (8 * ((position + i) & 7)));
    }
    position += n;
    return n;
  }

  @Override
  public void close() {}

  int maxReadLength() {
    return maxReadLength;
  }
}
