package dev.tend.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes command output to standard output or atomically to a file. */
public final class Output {
  private Output() {}

  public static void write(PrintWriter out, Path file, String text) {
    if (file == null) {
      out.print(text);
      out.flush();
      return;
    }
    Path absolute = file.toAbsolutePath();
    try {
      Path temp = Files.createTempFile(absolute.getParent(), ".tend-", ".tmp");
      try {
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(
            temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          new IOException("cannot write " + file + ": " + e.getMessage(), e));
    }
  }
}
