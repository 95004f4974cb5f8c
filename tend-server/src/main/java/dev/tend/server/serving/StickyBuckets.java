package dev.tend.server.serving;

import java.nio.charset.StandardCharsets;

/**
 * Puts a sticky key into one of 100 buckets: MurmurHash3 (x86, 32 bit, seed 0) of the UTF-8 bytes
 * of the deployment's name, a NUL and the key's text, modulo 100. The same deployment and key give
 * the same bucket in every process and release, so an A/B split sends a key to the same version as
 * long as the split's percentage stays. Salting with the deployment keeps two deployments' splits
 * independent.
 */
final class StickyBuckets {
  private StickyBuckets() {}

  /** The key's bucket, 0 to 99; a request goes to the candidate when it is below the percent. */
  static int bucket(String deployment, String key) {
    byte[] bytes = (deployment + '\0' + key).getBytes(StandardCharsets.UTF_8);
    return Integer.remainderUnsigned(murmur3(bytes), 100);
  }

  static int murmur3(byte[] data) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h = 0;
    int blocks = data.length / 4;
    for (int i = 0; i < blocks; i++) {
      int at = i * 4;
      int k =
          (data[at] & 0xff)
              | (data[at + 1] & 0xff) << 8
              | (data[at + 2] & 0xff) << 16
              | (data[at + 3] & 0xff) << 24;
      k *= c1;
      k = Integer.rotateLeft(k, 15);
      k *= c2;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int tail = blocks * 4;
    int remainder = data.length & 3;
    if (remainder > 0) {
      int k = 0;
      if (remainder == 3) {
        k ^= (data[tail + 2] & 0xff) << 16;
      }
      if (remainder >= 2) {
        k ^= (data[tail + 1] & 0xff) << 8;
      }
      k ^= data[tail] & 0xff;
      k *= c1;
      k = Integer.rotateLeft(k, 15);
      k *= c2;
      h ^= k;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
