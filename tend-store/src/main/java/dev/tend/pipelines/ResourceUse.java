package dev.tend.pipelines;

/**
 * What a step used: wall-clock and CPU milliseconds and peak resident memory in bytes (0 when
 * unknown).
 */
public record ResourceUse(long wallMillis, long cpuMillis, long peakMemoryBytes) {
  public static final ResourceUse NONE = new ResourceUse(0, 0, 0);

  public ResourceUse {
    if (wallMillis < 0 || cpuMillis < 0 || peakMemoryBytes < 0) {
      throw new IllegalArgumentException("resource use cannot be negative");
    }
  }
}
