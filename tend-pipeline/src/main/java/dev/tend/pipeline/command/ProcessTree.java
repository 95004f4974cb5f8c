package dev.tend.pipeline.command;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The processes of one command, read from Linux's {@code /proc}: the main process, its descendants,
 * every member of the process groups they were seen in (other than Tend's own), and every process
 * seen in an earlier sample that is still the same process. The last two find children that
 * outlived their parent and were re-parented.
 *
 * <p>Each {@link #sample} adds up {@code utime + stime + cutime + cstime} over those processes (the
 * {@code c} fields hold the children they waited for, so a child that ended is counted once, in its
 * parent) and the {@code VmHWM} of those alive; the figures kept are the largest sums seen. What a
 * process used after the last sample before it ended is missed, so short commands read low by up to
 * one sampling interval. Without {@code /proc} the figures stay 0 and only the main process is
 * stopped. Not thread-safe: one thread samples and signals.
 */
final class ProcessTree {
  /** The unit of {@code /proc/<pid>/stat} times; {@code USER_HZ} is 100 on every Linux port. */
  private static final long TICKS_PER_SECOND = 100;

  private static final Path PROC = Path.of("/proc");

  /** What one {@code /proc/<pid>/stat} says. */
  record Stat(long pid, char state, long ppid, long pgrp, long cpuTicks, long startTicks) {
    boolean zombie() {
      return state == 'Z' || state == 'X';
    }

    /** Parses the text of {@code /proc/<pid>/stat}; the command name may hold spaces. */
    static Optional<Stat> parse(String text) {
      int close = text.lastIndexOf(')');
      int open = text.indexOf('(');
      if (open < 1 || close < open) {
        return Optional.empty();
      }
      String[] f = text.substring(close + 2).trim().split(" ");
      if (f.length < 20) {
        return Optional.empty();
      }
      try {
        long pid = Long.parseLong(text.substring(0, open).trim());
        long cpu =
            Long.parseLong(f[11])
                + Long.parseLong(f[12])
                + Long.parseLong(f[13])
                + Long.parseLong(f[14]);
        return Optional.of(
            new Stat(
                pid,
                f[0].charAt(0),
                Long.parseLong(f[1]),
                Long.parseLong(f[2]),
                cpu,
                Long.parseLong(f[19])));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  /** A process, told apart from a later one that reuses its pid by its start time. */
  private record Identity(long pid, long startTicks) {}

  private final long mainPid;
  private final long ownGroup;
  private final Set<Long> groups = new HashSet<>();
  private Set<Identity> seen = new HashSet<>();
  private List<Stat> live = List.of();
  private long cpuTicks;
  private long peakBytes;

  /**
   * @param leadsGroup the main process was started under {@code setsid}, so its pid is also the id
   *     of its process group; known from the start, the group is found even if the main process
   *     exits before the first sample
   */
  ProcessTree(long mainPid, boolean leadsGroup) {
    this.mainPid = mainPid;
    this.ownGroup = read(ProcessHandle.current().pid()).map(Stat::pgrp).orElse(-1L);
    if (leadsGroup && mainPid != ownGroup) {
      groups.add(mainPid);
    }
  }

  static boolean supported() {
    return Files.isReadable(PROC.resolve("self/stat"));
  }

  /**
   * Reads {@code /proc} once: finds the command's processes and updates the figures.
   *
   * @param mainAlive whether the main process has not yet been reaped; its pid is only trusted
   *     while it lives
   */
  void sample(boolean mainAlive) {
    Map<Long, Stat> all = scan();
    Map<Long, Integer> depth = new HashMap<>();
    Stat main = all.get(mainPid);
    if (mainAlive && main != null) {
      Map<Long, List<Stat>> children = new HashMap<>();
      for (Stat stat : all.values()) {
        children.computeIfAbsent(stat.ppid(), k -> new ArrayList<>()).add(stat);
      }
      Deque<Stat> queue = new ArrayDeque<>(List.of(main));
      depth.put(mainPid, 0);
      while (!queue.isEmpty()) {
        Stat parent = queue.poll();
        for (Stat child : children.getOrDefault(parent.pid(), List.of())) {
          if (depth.putIfAbsent(child.pid(), depth.get(parent.pid()) + 1) == null) {
            queue.add(child);
          }
        }
      }
      for (long pid : depth.keySet()) {
        long group = all.get(pid).pgrp();
        if (group != ownGroup && group > 0) {
          groups.add(group);
        }
      }
    }
    Set<Identity> now = new HashSet<>();
    List<Stat> members = new ArrayList<>();
    for (Stat stat : all.values()) {
      Identity identity = new Identity(stat.pid(), stat.startTicks());
      if (depth.containsKey(stat.pid())
          || groups.contains(stat.pgrp())
          || seen.contains(identity)) {
        members.add(stat);
        now.add(identity);
      }
    }
    seen = now;
    long ticks = 0;
    long bytes = 0;
    List<Stat> alive = new ArrayList<>();
    for (Stat stat : members) {
      ticks += stat.cpuTicks();
      if (!stat.zombie()) {
        bytes += peakResidentBytes(stat.pid());
        alive.add(stat);
      }
    }
    // Deepest first and the main process last, so no parent reacts to a child's death.
    alive.sort(
        Comparator.comparing((Stat s) -> s.pid() == mainPid)
            .thenComparing(s -> -depth.getOrDefault(s.pid(), Integer.MAX_VALUE / 2)));
    live = alive;
    cpuTicks = Math.max(cpuTicks, ticks);
    peakBytes = Math.max(peakBytes, bytes);
  }

  /** The processes alive at the last sample, deepest first and the main process last. */
  List<Long> live() {
    return live.stream().map(Stat::pid).toList();
  }

  /** Sends SIGTERM, or SIGKILL when {@code force}, to the processes alive at the last sample. */
  void signal(boolean force) {
    for (Stat stat : live) {
      ProcessHandle.of(stat.pid())
          .filter(handle -> handle.pid() != ProcessHandle.current().pid())
          .ifPresent(handle -> destroy(handle, force));
    }
  }

  private static void destroy(ProcessHandle handle, boolean force) {
    try {
      if (force) {
        handle.destroyForcibly();
      } else {
        handle.destroy();
      }
    } catch (IllegalStateException | SecurityException e) {
      // Not ours to signal after all; it is left alone.
    }
  }

  Duration cpu() {
    return Duration.ofMillis(cpuTicks * 1000 / TICKS_PER_SECOND);
  }

  long peakBytes() {
    return peakBytes;
  }

  private static Map<Long, Stat> scan() {
    Map<Long, Stat> all = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, ProcessTree::isPid)) {
      for (Path entry : entries) {
        read(Long.parseLong(entry.getFileName().toString()))
            .ifPresent(stat -> all.put(stat.pid(), stat));
      }
    } catch (IOException | RuntimeException e) {
      // No /proc, or it changed under us: the sample is what could be read.
    }
    return all;
  }

  private static boolean isPid(Path entry) {
    String name = entry.getFileName().toString();
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }

  static Optional<Stat> read(long pid) {
    try {
      return Stat.parse(Files.readString(PROC.resolve(pid + "/stat")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code VmHWM} of {@code /proc/<pid>/status}, the most the process has had resident. */
  private static long peakResidentBytes(long pid) {
    try {
      for (String line : Files.readAllLines(PROC.resolve(pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          String kb = line.substring(6).trim().split("\\s+")[0];
          return Long.parseLong(kb) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Gone or unreadable: it counts for nothing in this sample.
    }
    return 0;
  }
}
