package dev.tend.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ModelManifestTest {
  @Test
  void aManifestWrittenByFormatOneStillLoadsAndWritesBackTheSame() throws IOException {
    byte[] stored;
    try (InputStream in = getClass().getResourceAsStream("model-manifest-1.json")) {
      stored = in.readAllBytes();
    }

    ModelManifest manifest = ModelManifest.parse(stored);

    assertThat(manifest.model()).isEqualTo("delays");
    assertThat(manifest.version()).isEqualTo(3);
    assertThat(manifest.format()).isEqualTo(ModelFormat.XGBOOST);
    assertThat(manifest.runId()).contains("0123456789abcdef0123456789abcdef");
    assertThat(manifest.signature().inputs()).hasSize(2);
    assertThat(manifest.signature().outputs().get(0).name()).isEmpty();
    assertThat(manifest.metrics()).containsEntry("auc", 0.74);
    assertThat(manifest.metrics().get("loss")).isNaN();
    assertThat(manifest.trainingDatasetVersionId()).contains("01JABCDEFGHJKMNPQRSTVWXYZ1");
    assertThat(manifest.files()).extracting(f -> f.path()).containsExactly("MLmodel", "model.xgb");
    assertThat(new String(manifest.toJson(), StandardCharsets.UTF_8))
        .isEqualTo(new String(stored, StandardCharsets.UTF_8).strip());
  }

  @Test
  void anUnknownFormatIsRefusedByName() {
    assertThatThrownBy(
            () ->
                ModelManifest.parse(
                    "{\"format_version\":\"tend-model-manifest/9\"}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tend-model-manifest/9");
  }
}
