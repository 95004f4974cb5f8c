package dev.tend.client;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Prediction ids the client fixes before the first attempt, so that a retried predict keeps its
 * rows' ids: UUID version 7 text (milliseconds since the epoch, then random bits).
 */
final class ClientIds {
  private ClientIds() {}

  static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long most = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0xFFFL);
    long least = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(most, least).toString();
  }
}
