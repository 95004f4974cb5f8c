package dev.tend.pipeline.command;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Splits a byte stream into lines at {@code \n} (dropping a {@code \r} before it), decodes them as
 * UTF-8 with invalid bytes replaced, and cuts lines longer than {@link #MAX_LINE_CHARS} characters
 * to that length, the last one an ellipsis, without ever holding more than a few times that in
 * memory.
 */
final class LineReader {
  static final int MAX_LINE_CHARS = 4_000;
  private static final int MAX_LINE_BYTES = 4 * MAX_LINE_CHARS + 4;

  private final byte[] line = new byte[MAX_LINE_BYTES];
  private int length;
  private boolean cut;

  private LineReader() {}

  /** Reads {@code in} to its end, handing each line to {@code lines}. */
  static void read(InputStream in, Consumer<String> lines) throws IOException {
    LineReader reader = new LineReader();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) != -1) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          reader.append(buffer, start, i);
          lines.accept(reader.take());
          start = i + 1;
        }
      }
      reader.append(buffer, start, n);
    }
    if (reader.length > 0 || reader.cut) {
      lines.accept(reader.take());
    }
  }

  private void append(byte[] bytes, int from, int to) {
    int take = Math.min(to - from, MAX_LINE_BYTES - length);
    System.arraycopy(bytes, from, line, length, take);
    length += take;
    cut |= take < to - from;
  }

  private String take() {
    int end = length;
    if (!cut && end > 0 && line[end - 1] == '\r') {
      end--;
    }
    String text = new String(line, 0, end, UTF_8);
    boolean tooLong = cut || text.length() > MAX_LINE_CHARS;
    length = 0;
    cut = false;
    return tooLong ? truncate(text) : text;
  }

  private static String truncate(String text) {
    int end = Math.min(text.length(), MAX_LINE_CHARS - 1);
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "…";
  }
}
