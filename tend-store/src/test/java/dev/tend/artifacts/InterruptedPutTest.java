package dev.tend.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A put in a process that is killed midway, as a crashed or redeployed server would be. */
class InterruptedPutTest {
  @TempDir Path dir;

  @Test
  void aKilledPutLeavesOnlyATemporaryFileThatCleanupRemoves() throws Exception {
    Path root = dir.resolve("artifacts");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PutUntilKilled.class.getName(),
                root.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    try {
      Path temp =
          awaitTemporaryFileOfAtLeast(root.resolve("tmp"), PutUntilKilled.BYTES_BEFORE_STALL);
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

      LocalArtifactStore store = LocalArtifactStore.open(root);
      assertThat(blobFiles(root)).isEmpty();
      assertThat(store.cleanupTemporary(Duration.ofHours(1))).isZero();
      assertThat(temp).exists();
      assertThat(store.cleanupTemporary(Duration.ZERO)).isEqualTo(1);
      assertThat(root.resolve("tmp")).isEmptyDirectory();

      Blob blob = store.put(new GeneratedInputStream(PutUntilKilled.BYTES_BEFORE_STALL, 9));
      store.verify(blob.sha256());
      assertThat(blobFiles(root)).hasSize(1);
    } finally {
      child.destroyForcibly();
    }
  }

  private static Path awaitTemporaryFileOfAtLeast(Path tmp, long bytes)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(tmp)) {
        try (Stream<Path> files = Files.list(tmp)) {
          for (Path file : files.toList()) {
            if (Files.size(file) >= bytes) {
              return file;
            }
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the child process never wrote " + bytes + " bytes under " + tmp);
  }

  private static List<Path> blobFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve("blobs"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  /** Run in a child process: puts a stream that stalls after some bytes, until killed. */
  static final class PutUntilKilled {
    static final int BYTES_BEFORE_STALL = 3 * LocalArtifactStore.BUFFER_SIZE;

    public static void main(String[] args) {
      InputStream stalling =
          new InputStream() {
            private final InputStream head = new GeneratedInputStream(BYTES_BEFORE_STALL, 9);

            @Override
            public int read() {
              throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              int n = head.read(b, off, len);
              if (n >= 0) {
                return n;
              }
              try {
                Thread.sleep(Long.MAX_VALUE);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new IOException("interrupted");
            }
          };
      LocalArtifactStore.open(Path.of(args[0])).put(stalling);
    }
  }
}
