package dev.tend.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProfileOptionsTest {
  @Test
  void defaults() {
    ProfileOptions defaults = ProfileOptions.DEFAULTS;
    assertThat(defaults.kllK()).isEqualTo(200);
    assertThat(defaults.hllLgK()).isEqualTo(12);
    assertThat(defaults.frequentItemsMapSize()).isEqualTo(1024);
    assertThat(defaults.exactValueLimit()).isEqualTo(768);
    assertThat(defaults.histogramBins()).isEqualTo(20);
    assertThat(defaults.topValues()).isEqualTo(10);
  }

  @Test
  void invalidValuesAreRejected() {
    assertThatThrownBy(() -> new ProfileOptions(7, 12, 256, 20, 10)).hasMessageContaining("kllK");
    assertThatThrownBy(() -> new ProfileOptions(200, 22, 256, 20, 10))
        .hasMessageContaining("hllLgK");
    assertThatThrownBy(() -> new ProfileOptions(200, 12, 100, 20, 10))
        .hasMessageContaining("power of two");
    assertThatThrownBy(() -> new ProfileOptions(200, 12, 256, 0, 10))
        .hasMessageContaining("histogramBins");
    assertThatThrownBy(() -> new ProfileOptions(200, 12, 256, 20, -1))
        .hasMessageContaining("topValues");
  }

  @Test
  void mergedOptionsKeepTheCoarserSketches() {
    ProfileOptions a = new ProfileOptions(100, 10, 64, 5, 3);
    ProfileOptions b = new ProfileOptions(200, 12, 256, 20, 10);
    assertThat(a.mergedWith(b)).isEqualTo(new ProfileOptions(100, 10, 256, 5, 3));
  }
}
