package dev.tend.server.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies without ever holding more than the configured limit. */
public final class Bodies {
  private Bodies() {}

  static ApiException tooLarge(long limit) {
    return new ApiException(
        ProblemCode.PAYLOAD_TOO_LARGE,
        "the request body is larger than the limit of "
            + describe(limit)
            + " (server.max-request-body)");
  }

  /**
   * Rejects a request whose declared {@code Content-Length} is over the limit before its body is
   * parsed. A body at most {@link #DRAIN_LIMIT} long is read and discarded first (see {@link
   * #discardRest}); a longer one is not read at all.
   */
  public static void checkDeclaredLength(HttpServletRequest request, long limit) {
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      try {
        if (declared <= DRAIN_LIMIT) {
          discardRest(request.getInputStream());
        }
      } catch (IOException e) {
        // Nothing to drain; the refusal stands.
      }
      throw tooLarge(limit);
    }
  }

  /** At most this much of a refused body is read and discarded before the 413 goes out. */
  static final long DRAIN_LIMIT = 8L << 20;

  /**
   * Reads and discards up to {@link #DRAIN_LIMIT} bytes of a body of a known length that is being
   * refused. Closing a socket with unread bytes makes the kernel reset the connection, and a client
   * still sending then never sees the 413; draining a body that is only somewhat too large lets the
   * client read its answer. Streamed bodies of unknown length are not drained: they may never end.
   * Errors are ignored: the answer is a refusal either way.
   */
  public static void discardRest(InputStream in) {
    byte[] buffer = new byte[16384];
    long total = 0;
    try {
      int n;
      while (total < DRAIN_LIMIT && (n = in.read(buffer)) != -1) {
        total += n;
      }
    } catch (IOException | RuntimeException e) {
      // The client went away or the body was already consumed: nothing left to drain.
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
