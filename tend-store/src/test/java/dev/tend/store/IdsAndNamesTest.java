package dev.tend.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdsAndNamesTest {
  @Test
  void idsAreWellFormedAndStrictlyIncreasing() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(Ids.next());
    }
    assertThat(ids).allMatch(Ids::isWellFormed);
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    long millis = System.currentTimeMillis();
    assertThat(Ids.next()).startsWith(encodeTimePrefix(millis).substring(0, 6));
  }

  private static String encodeTimePrefix(long millis) {
    String alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    StringBuilder out = new StringBuilder();
    for (int i = 9; i >= 0; i--) {
      out.append(alphabet.charAt((int) ((millis >>> (5 * i)) & 31)));
    }
    return out.toString();
  }

  @Test
  void namesFollowTheRule() {
    assertThat(Names.requireValid("project", "churn-model_v2.1")).isEqualTo("churn-model_v2.1");
    assertThat(Names.requireValid("project", "a".repeat(64))).hasSize(64);
    for (String bad : List.of("", "a".repeat(65), "Churn", "-a", ".a", "a b", "é")) {
      assertThatThrownBy(() -> Names.requireValid("project", bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("project name");
    }
    assertThatThrownBy(() -> Names.requireValid("dataset", "a/b"))
        .hasMessageContaining("path separator");
    assertThatThrownBy(() -> Names.requireValid("dataset", "a\\b"))
        .hasMessageContaining("path separator");
    assertThatThrownBy(() -> Names.requireValid("dataset", "a\nb"))
        .hasMessageContaining("control characters")
        .hasMessageContaining("\\u000a");
  }
}
