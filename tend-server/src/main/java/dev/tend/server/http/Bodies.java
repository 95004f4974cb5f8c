package dev.tend.server.http;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies without ever holding more than the configured limit. */
final class Bodies {
  private Bodies() {}

  static ApiException tooLarge(long limit) {
    return new ApiException(
        ProblemCode.PAYLOAD_TOO_LARGE,
        "the request body is larger than the limit of "
            + describe(limit)
            + " (server.max-request-body)");
  }

  /** Rejects a declared {@code Content-Length} over the limit before anything is read. */
  static void checkDeclaredLength(long contentLength, long limit) {
    if (contentLength > limit) {
      throw tooLarge(limit);
    }
  }

  /** Reads at most {@code limit} bytes and fails as soon as the body turns out to be longer. */
  static byte[] read(InputStream in, long limit) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    long total = 0;
    try {
      int n;
      while ((n = in.read(buffer)) != -1) {
        total += n;
        if (total > limit) {
          throw tooLarge(limit);
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new ApiException(
          ProblemCode.MALFORMED_REQUEST,
          "the request body could not be read to its end",
          java.util.List.of(),
          java.util.Map.of(),
          e);
    }
    return out.toByteArray();
  }

  /**
   * A stream that fails with {@link #tooLarge} as soon as more than {@code limit} bytes are read.
   */
  static final class Bounded extends FilterInputStream {
    private final long limit;
    private long total;

    Bounded(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) {
      total += n;
      if (total > limit) {
        throw tooLarge(limit);
      }
    }
  }

  static String describe(long bytes) {
    if (bytes % (1L << 30) == 0) {
      return (bytes >> 30) + " GiB";
    }
    if (bytes % (1L << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes % (1L << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " bytes";
  }
}
