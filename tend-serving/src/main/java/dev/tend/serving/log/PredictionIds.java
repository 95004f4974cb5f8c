package dev.tend.serving.log;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates prediction ids for requests that bring none: UUID version 7 text, whose order as
 * strings is the order of generation within this process (the millisecond clock, then a counter).
 * Thread-safe.
 */
public final class PredictionIds {
  /* The last (milliseconds << 12 | counter) handed out; the counter fills UUIDv7's rand_a. */
  private static final AtomicLong LAST = new AtomicLong();

  private PredictionIds() {}

  /** A new id, greater as a string than every id this process generated before. */
  public static String next() {
    long floor = System.currentTimeMillis() << 12;
    long value = LAST.updateAndGet(previous -> Math.max(previous + 1, floor));
    long mostSignificant = ((value >>> 12) << 16) | 0x7000L | (value & 0xFFFL);
    long leastSignificant =
        (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(mostSignificant, leastSignificant).toString();
  }
}
