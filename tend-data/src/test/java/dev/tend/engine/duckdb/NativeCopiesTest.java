package dev.tend.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeCopiesTest {
  @TempDir Path tmp;

  @Test
  void removesOnlyOldCopiesOfTheNativeLibrary() throws Exception {
    Path old = aged("libduckdb_java123.so", Duration.ofHours(2));
    Path fresh = aged("libduckdb_java456.so", Duration.ofSeconds(5));
    Path other = aged("libsomething_else.so", Duration.ofHours(2));
    Path folder = Files.createDirectory(tmp.resolve("libduckdb_java789.so"));

    int removed = DuckDbEngines.removeStaleNativeCopies(tmp, Duration.ofMinutes(10));

    assertThat(removed).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
    assertThat(other).exists();
    assertThat(folder).isDirectory();
  }

  @Test
  void aMissingFolderRemovesNothing() {
    assertThat(DuckDbEngines.removeStaleNativeCopies(tmp.resolve("absent"), Duration.ZERO))
        .isZero();
  }

  private Path aged(String name, Duration age) throws Exception {
    Path file = Files.writeString(tmp.resolve(name), "x");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
    return file;
  }
}
