package dev.tend.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EngineOptionsTest {
  @Test
  void defaults() {
    EngineOptions options = EngineOptions.defaults();
    assertThat(options.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(options.memoryLimit()).isEmpty();
    assertThat(options.tempDirectory()).isEmpty();
    assertThat(options.fetchSize()).isEqualTo(10_000);
  }

  @Test
  void everySettingMaps() {
    EngineOptions options =
        EngineOptions.defaults()
            .withThreads(3)
            .withMemoryLimit("75%")
            .withTempDirectory(Path.of("/tmp/spill"))
            .withFetchSize(500);
    assertThat(options)
        .isEqualTo(
            new EngineOptions(3, Optional.of("75%"), Optional.of(Path.of("/tmp/spill")), 500));
    assertThat(EngineOptions.defaults().withMemoryLimit("4GB").memoryLimit()).contains("4GB");
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> EngineOptions.defaults().withThreads(0))
        .hasMessageContaining("threads");
    assertThatThrownBy(() -> EngineOptions.defaults().withMemoryLimit("lots"))
        .hasMessageContaining("75% or 4GB");
  }
}
