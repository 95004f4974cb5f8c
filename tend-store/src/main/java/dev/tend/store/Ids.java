package dev.tend.store;

import java.security.SecureRandom;

/**
 * Time-ordered identifiers in the ULID text form: 26 characters of Crockford base 32, 48 bits of
 * milliseconds then 80 random bits. Ids made in one process are strictly increasing (within a
 * millisecond the random part is incremented), so ordering by id is ordering by creation.
 * Thread-safe.
 */
public final class Ids {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long RANDOM_HIGH_MASK = (1L << 16) - 1;

  private static long lastMillis = -1;
  private static long randomHigh; // 16 bits
  private static long randomLow; // 64 bits

  private Ids() {}

  /** A new id, greater than every id this process made before. */
  public static synchronized String next() {
    long now = System.currentTimeMillis();
    if (now > lastMillis) {
      lastMillis = now;
      randomHigh = RANDOM.nextInt() & RANDOM_HIGH_MASK;
      randomLow = RANDOM.nextLong();
    } else {
      randomLow++;
      if (randomLow == 0) {
        randomHigh = (randomHigh + 1) & RANDOM_HIGH_MASK;
        if (randomHigh == 0) {
          lastMillis++; // 80 bits exhausted within a millisecond: borrow the next one
        }
      }
    }
    return encode(lastMillis, randomHigh, randomLow);
  }

  /** Whether {@code text} has the shape of an id (it may still name nothing). */
  public static boolean isWellFormed(String text) {
    if (text == null || text.length() != 26 || text.charAt(0) > '7') {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (decode(text.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static int decode(char c) {
    for (int i = 0; i < ALPHABET.length; i++) {
      if (ALPHABET[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static String encode(long millis, long high, long low) {
    char[] out = new char[26];
    // 128 bits: 48 time | 16 high | 64 low, written as 26 base-32 digits (130 bits, top 2 zero).
    long hi = (millis << 16) | high; // top 64 bits
    for (int i = 25; i >= 0; i--) {
      out[i] = ALPHABET[(int) (low & 31)];
      low = (low >>> 5) | (hi << 59);
      hi >>>= 5;
    }
    return new String(out);
  }
}
