package dev.tend.server.pipelines;

import dev.tend.pipelines.ResourceUse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures a step that runs inside the server: wall time, the process's CPU time over the step
 * (every thread, XGBoost's native ones included, so steps running at once on other workers count
 * too) and the process's peak resident memory during the step. On Linux the peak is reset at the
 * start by writing {@code 5} to {@code /proc/self/clear_refs}; where that is not possible the peak
 * since the process started is reported.
 */
final class ResourceMeter {
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
  private static final Path STATUS = Path.of("/proc/self/status");

  private final long startNanos;
  private final long startCpuNanos;

  private ResourceMeter() {
    resetPeak();
    this.startNanos = System.nanoTime();
    this.startCpuNanos = processCpuNanos();
  }

  static ResourceMeter start() {
    return new ResourceMeter();
  }

  ResourceUse stop() {
    long wall = (System.nanoTime() - startNanos) / 1_000_000;
    long cpu = Math.max(0, processCpuNanos() - startCpuNanos) / 1_000_000;
    return new ResourceUse(wall, cpu, peakResidentBytes());
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  private static void resetPeak() {
    try {
      Files.writeString(CLEAR_REFS, "5", StandardCharsets.US_ASCII);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // Not Linux, or not allowed: the peak then covers the whole process's life.
    }
  }

  /* VmHWM from /proc/self/status, in bytes; 0 when unknown. */
  static long peakResidentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmHWM:")) {
          String kb = line.substring(6).trim().split("\\s+")[0];
          return Long.parseLong(kb) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
