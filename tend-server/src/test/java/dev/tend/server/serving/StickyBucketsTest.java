package dev.tend.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sticky buckets are MurmurHash3 and spread keys evenly. */
class StickyBucketsTest {
  @Test
  void theHashIsMurmur3X86Of32Bits() {
    // MurmurHash3_x86_32, seed 0, as scikit-learn's sklearn.utils.murmurhash3_32 computes it.
    assertThat(StickyBuckets.murmur3(new byte[0])).isZero();
    assertThat(StickyBuckets.murmur3(utf8("hello"))).isEqualTo(0x248bfa47);
    assertThat(StickyBuckets.murmur3(utf8("The quick brown fox jumps over the lazy dog")))
        .isEqualTo(0x2e4ff723);
    assertThat(StickyBuckets.murmur3(utf8("abc"))).isEqualTo(0xb3dd93fa);
  }

  @Test
  void aBucketIsTheHashOfDeploymentNulAndKeyModulo100() {
    // scikit-learn: murmurhash3_32(b"species\x0039.1", seed=0, positive=True) % 100 == 57
    assertThat(StickyBuckets.bucket("species", "39.1")).isEqualTo(57);
  }

  @Test
  void bucketsSpreadKeysEvenly() {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      counts.merge(StickyBuckets.bucket("churn", "customer-" + i), 1, Integer::sum);
    }
    assertThat(counts).hasSize(100);
    // 1,000 expected per bucket; one standard deviation is about 31.
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
