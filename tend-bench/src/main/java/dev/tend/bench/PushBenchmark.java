package dev.tend.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Pushing a dataset end to end against checking it, and the server's memory during a large upload,
 * with real processes only: {@code ./tend check}, {@code ./tend server}, {@code sha256sum} and
 * {@code curl}.
 *
 * <p>Mode {@code time}: per repetition (the order alternates), {@code ./tend check FILE --suite S
 * --no-history} (the baseline), and a push of the same file to a freshly started server whose
 * dataset has the same suite attached: hash with {@code sha256sum}, upload with {@code curl -T} to
 * {@code PUT /api/v1/blobs/{sha256}}, then {@code POST .../versions} (the server copies the file
 * into its work folder, profiles it, runs the suite and commits). Prints medians and the ratio
 * push/check (target at most 2).
 *
 * <p>Mode {@code memory}: generates a file of {@code --upload-mb} MiB, starts a server with {@code
 * TEND_JAVA_OPTS=-Xmx<heap>} and the request limit raised, uploads the file with {@code curl -T}
 * while sampling the server's RSS ({@code /proc}) and heap ({@code jstat -gc}), and prints the
 * figures at start and their peak. The file and the server's data dir are deleted afterwards.
 *
 * <p>Usage: {@code PushBenchmark [--mode all|time|memory] [--data FILE] [--suite FILE] [--reps 3]
 * [--upload-mb 1024] [--heap 256m] [--dir FOLDER] [--tend ./tend]}.
 */
public final class PushBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING =
      Pattern.compile("^Tend server \\S+ listening on (http://\\S+)$", Pattern.MULTILINE);
  private static final Pattern ADMIN_TOKEN =
      Pattern.compile("^Admin token \\(shown once\\): (\\S+)$", Pattern.MULTILINE);

  /** How much RSS may grow after the first tenth of an upload for memory to count as flat. */
  private static final long FLAT_GROWTH_KB = 64 * 1024;

  private PushBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = Flags.parse(args);
    String mode = flags.getOrDefault("mode", "all");
    if (!List.of("all", "time", "memory").contains(mode)) {
      throw new IllegalArgumentException("--mode is all, time or memory, not " + mode);
    }
    Path tend = Path.of(flags.getOrDefault("tend", "./tend")).toAbsolutePath();
    Path dir = Path.of(flags.getOrDefault("dir", System.getProperty("java.io.tmpdir")));
    System.out.printf(
        Locale.ROOT,
        "PushBenchmark: %d processors, java %s, load average %s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        loadAverage());
    // Unmeasured: ./tend builds the CLI first when it is missing or stale.
    run(List.of(tend.toString(), "--version"), Map.of());
    Files.createDirectories(dir);
    Path work = Files.createTempDirectory(dir, "tend-bench-push-");
    try {
      if (!mode.equals("memory")) {
        timePush(flags, tend, work);
      }
      if (!mode.equals("time")) {
        uploadMemory(flags, tend, work);
      }
    } finally {
      deleteTree(work);
    }
    System.out.println("load average after: " + loadAverage());
  }

  private static void timePush(Map<String, String> flags, Path tend, Path work) throws Exception {
    Path data = Path.of(flags.getOrDefault("data", "../shared/data/flights-3m.parquet"));
    Path suite = Path.of(flags.getOrDefault("suite", "examples/flights/suite.yaml"));
    int reps = Integer.parseInt(flags.getOrDefault("reps", "3"));
    if (!Files.isRegularFile(data)) {
      throw new IllegalArgumentException("no data file " + data + "; give --data FILE");
    }
    System.out.printf(
        Locale.ROOT,
        "%n== time: push vs check of %s (%,d bytes), suite %s, %d repetitions%n",
        data,
        Files.size(data),
        suite,
        reps);
    Timings timings = new Timings();
    for (int rep = 1; rep <= reps; rep++) {
      boolean checkFirst = rep % 2 == 1;
      for (int step = 0; step < 2; step++) {
        if ((step == 0) == checkFirst) {
          timings.add("check (baseline)", check(tend, data, suite));
        } else {
          Push push = push(tend, data, suite, work.resolve("server-" + rep), Map.of());
          timings.add("push (hash + upload + version)", push.total());
          timings.add("  hash: sha256sum", push.hash());
          timings.add("  upload: curl -T", push.upload());
          timings.add("  version: copy, profile, check, commit", push.version());
          if (rep == 1) {
            System.out.println("  first push answered: " + push.answer());
          }
        }
      }
      System.out.printf(Locale.ROOT, "  repetition %d done, load average %s%n", rep, loadAverage());
    }
    System.out.print(timings.table());
    double ratio =
        timings.median("push (hash + upload + version)") / timings.median("check (baseline)");
    System.out.printf(
        Locale.ROOT,
        "push / check: %.2f (medians), %.2f (paired); target <= 2.0: %s%n",
        ratio,
        timings.pairedRatio("push (hash + upload + version)", "check (baseline)"),
        ratio <= 2.0 ? "met" : "NOT met");
  }

  private static double check(Path tend, Path data, Path suite) throws Exception {
    long start = System.nanoTime();
    Result result =
        run(
            List.of(
                tend.toString(),
                "check",
                data.toString(),
                "--suite",
                suite.toString(),
                "--no-history",
                "--format",
                "json"),
            Map.of());
    double seconds = (System.nanoTime() - start) / 1e9;
    // 1 is a failing check (flights-3m breaks the suite's row_count), not a failed run
    if (result.exit() > 1) {
      throw new IllegalStateException("tend check failed: " + result.output());
    }
    return seconds;
  }

  /** Seconds per phase of one push, and the server's answer. */
  record Push(double hash, double upload, double version, String answer) {
    double total() {
      return hash + upload + version;
    }
  }

  private static Push push(
      Path tend, Path data, Path suite, Path dataDir, Map<String, String> serverEnv)
      throws Exception {
    try (Server server = Server.start(tend, dataDir, serverEnv)) {
      server.curl(
          201,
          "-X",
          "POST",
          "-H",
          "Content-Type: application/json",
          "--data-binary",
          "{\"name\": \"bench\"}",
          server.api("/projects"));
      Path body = dataDir.resolveSibling(dataDir.getFileName() + "-dataset.json");
      Files.write(
          body,
          JSON.writeValueAsBytes(Map.of("suite", Files.readString(suite, StandardCharsets.UTF_8))));
      server.curl(
          201,
          "-X",
          "PUT",
          "-H",
          "Content-Type: application/json",
          "--data-binary",
          "@" + body,
          server.api("/projects/bench/datasets/flights"));

      long start = System.nanoTime();
      String sha256 = sha256sum(data);
      long hashed = System.nanoTime();
      server.curl(201, "-T", data.toString(), server.api("/blobs/" + sha256));
      long uploaded = System.nanoTime();
      String version =
          JSON.writeValueAsString(
              Map.of(
                  "files",
                  List.of(
                      Map.of(
                          "path",
                          data.getFileName().toString(),
                          "size",
                          Files.size(data),
                          "sha256",
                          sha256))));
      String answer =
          server.curl(
              201,
              "-X",
              "POST",
              "-H",
              "Content-Type: application/json",
              "--data-binary",
              version,
              server.api("/projects/bench/datasets/flights/versions"));
      long committed = System.nanoTime();
      JsonNode json = JSON.readTree(answer);
      return new Push(
          (hashed - start) / 1e9,
          (uploaded - hashed) / 1e9,
          (committed - uploaded) / 1e9,
          String.format(
              Locale.ROOT,
              "version %d %s, %,d rows, failed checks %s",
              json.get("number").asInt(),
              json.get("status").asText(),
              json.get("row_count").asLong(),
              json.at("/checks/failed")));
    }
  }

  private static void uploadMemory(Map<String, String> flags, Path tend, Path work)
      throws Exception {
    long mib = Long.parseLong(flags.getOrDefault("upload-mb", "1024"));
    String heap = flags.getOrDefault("heap", "256m");
    System.out.printf(
        Locale.ROOT, "%n== memory: upload of a %,d MiB file to a server with -Xmx%s%n", mib, heap);
    Path file = work.resolve("upload.bin");
    long generating = System.nanoTime();
    generate(file, mib * 1024 * 1024);
    System.out.printf(
        Locale.ROOT, "  generated %s in %.1f s%n", file, (System.nanoTime() - generating) / 1e9);
    long hashing = System.nanoTime();
    String sha256 = sha256sum(file);
    System.out.printf(Locale.ROOT, "  sha256sum: %.1f s%n", (System.nanoTime() - hashing) / 1e9);
    Map<String, String> env =
        Map.of(
            "TEND_JAVA_OPTS", "-Xmx" + heap,
            "TEND_SERVER_MAX_REQUEST_BODY", (mib + 64) + "MiB");
    try (Server server = Server.start(tend, work.resolve("server-memory"), env)) {
      Thread.sleep(1000); // let start-up settle before the first sample
      Memory before = Memory.sample(server.pid());
      try (MemorySampler sampler = MemorySampler.start(server.pid())) {
        long start = System.nanoTime();
        String answer = server.curl(201, "-T", file.toString(), server.api("/blobs/" + sha256));
        double seconds = (System.nanoTime() - start) / 1e9;
        Memory peak = sampler.peak();
        Memory after = Memory.sample(server.pid());
        JsonNode json = JSON.readTree(answer);
        if (!json.get("sha256").asText().equals(sha256)) {
          throw new IllegalStateException("the server stored another hash: " + answer);
        }
        System.out.printf(
            Locale.ROOT,
            "  upload: 201 in %.1f s (%.0f MiB/s), stored as %s%n",
            seconds,
            mib / seconds,
            sha256.substring(0, 12));
        System.out.printf(
            Locale.ROOT,
            "  %-26s %12s %14s %16s%n",
            "",
            "RSS MiB",
            "heap used MiB",
            "heap committed");
        System.out.print(before.row("before the upload"));
        System.out.print(peak.row("peak during (" + sampler.samples() + " samples)"));
        System.out.print(after.row("after"));
        long end = start + (long) (seconds * 1e9);
        long[] tail = sampler.rssFromAndMaxAfter(start + (end - start) / 10);
        long growth = tail[1] - tail[0];
        System.out.printf(
            Locale.ROOT,
            "  RSS %.0f MiB once 10%% of the upload time had passed, at most %.0f MiB after: +%.0f"
                + " MiB while ~%,d MiB more arrived; process peak RSS (VmHWM) %.0f MiB%n",
            tail[0] / 1024.0,
            tail[1] / 1024.0,
            growth / 1024.0,
            mib * 9 / 10,
            Memory.highWaterMarkKb(server.pid()) / 1024.0);
        System.out.printf(
            Locale.ROOT,
            "  memory %s (RSS growth after the first 10%% under %d MiB; heap peak %.0f MiB of"
                + " -Xmx%s)%n",
            growth < FLAT_GROWTH_KB ? "flat" : "NOT flat",
            FLAT_GROWTH_KB / 1024,
            peak.heapUsedKb() / 1024.0,
            heap);
      }
    }
  }

  /** Writes {@code bytes} of pseudo-random content (seeded), 1 MiB at a time. */
  private static void generate(Path file, long bytes) throws IOException {
    SplittableRandom random = new SplittableRandom(20261127);
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < bytes; ) {
        buffer.clear();
        while (buffer.remaining() >= Long.BYTES) {
          buffer.putLong(random.nextLong());
        }
        int n = (int) Math.min(buffer.capacity(), bytes - written);
        out.write(buffer.array(), 0, n);
        written += n;
      }
    }
  }

  private static String sha256sum(Path file) throws Exception {
    Result result = run(List.of("sha256sum", file.toString()), Map.of());
    if (result.exit() != 0) {
      throw new IllegalStateException("sha256sum failed: " + result.output());
    }
    return result.output().substring(0, 64);
  }

  /** A {@code ./tend server} on a fresh data dir and a free port; stopped with SIGTERM. */
  private static final class Server implements AutoCloseable {
    private final Process process;
    private final Path dataDir;
    private final URI uri;
    private final String token;

    private Server(Process process, Path dataDir, URI uri, String token) {
      this.process = process;
      this.dataDir = dataDir;
      this.uri = uri;
      this.token = token;
    }

    static Server start(Path tend, Path dataDir, Map<String, String> env) throws Exception {
      Files.createDirectories(dataDir);
      Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
      ProcessBuilder builder =
          new ProcessBuilder(
                  tend.toString(), "server", "--port", "0", "--data-dir", dataDir.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("TEND_"));
      builder.environment().putAll(env);
      Process process = builder.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline) {
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Matcher listening = LISTENING.matcher(out);
        Matcher token = ADMIN_TOKEN.matcher(out);
        if (listening.find() && token.find()) {
          return new Server(process, dataDir, URI.create(listening.group(1)), token.group(1));
        }
        if (!process.isAlive()) {
          throw new IllegalStateException("tend server exited:\n" + out);
        }
        Thread.sleep(20);
      }
      process.destroyForcibly();
      throw new IllegalStateException("tend server did not start within 120 s");
    }

    long pid() {
      return process.pid(); // ./tend execs java, so this is the JVM
    }

    String api(String path) {
      return uri + "/api/v1" + path;
    }

    /** Runs curl with the admin token; returns the body when the status is {@code expected}. */
    String curl(int expected, String... args) throws Exception {
      Path body = Files.createTempFile(dataDir.getParent(), "curl-", ".out");
      List<String> command =
          new ArrayList<>(
              List.of(
                  "curl",
                  "-sS",
                  "-o",
                  body.toString(),
                  "-w",
                  "%{http_code}",
                  "-H",
                  "Authorization: Bearer " + token));
      command.addAll(List.of(args));
      Result result = run(command, Map.of());
      String answer = Files.readString(body, StandardCharsets.UTF_8);
      Files.delete(body);
      if (result.exit() != 0 || !result.output().trim().equals(String.valueOf(expected))) {
        throw new IllegalStateException(
            "curl " + String.join(" ", args) + " -> " + result.output() + ": " + answer);
      }
      return answer;
    }

    @Override
    public void close() throws IOException {
      process.destroy();
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      deleteTree(dataDir);
    }
  }

  /** A process's resident set and Java heap, in KiB. */
  record Memory(long rssKb, long heapUsedKb, long heapCommittedKb) {
    static Memory sample(long pid) throws Exception {
      Result jstat = run(List.of(jstatPath(), "-gc", String.valueOf(pid)), Map.of());
      List<String> lines = jstat.output().lines().toList();
      long[] heap = heapKb(lines.get(0), lines.get(lines.size() - 1));
      return new Memory(statusKb(pid, "VmRSS:"), heap[0], heap[1]);
    }

    static long highWaterMarkKb(long pid) {
      return statusKb(pid, "VmHWM:");
    }

    Memory max(Memory other) {
      return new Memory(
          Math.max(rssKb, other.rssKb),
          Math.max(heapUsedKb, other.heapUsedKb),
          Math.max(heapCommittedKb, other.heapCommittedKb));
    }

    String row(String label) {
      return String.format(
          Locale.ROOT,
          "  %-26s %12.0f %14.0f %16.0f%n",
          label,
          rssKb / 1024.0,
          heapUsedKb / 1024.0,
          heapCommittedKb / 1024.0);
    }

    /** Heap used (survivors, eden, old) and committed, from a {@code jstat -gc} header and row. */
    static long[] heapKb(String header, String row) {
      List<String> names = List.of(header.trim().split("\\s+"));
      String[] values = row.trim().split("\\s+");
      long used = 0;
      long committed = 0;
      for (String space : List.of("S0", "S1", "E", "O")) {
        used += (long) Double.parseDouble(values[names.indexOf(space + "U")]);
        committed += (long) Double.parseDouble(values[names.indexOf(space + "C")]);
      }
      return new long[] {used, committed};
    }

    static long statusKb(long pid, String field) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith(field)) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException e) {
        return 0;
      }
      return 0;
    }
  }

  /**
   * Samples a process's RSS every 50 ms from {@code /proc} and its heap every 100 ms from one
   * {@code jstat -gc PID 100} process, keeping the peaks.
   */
  private static final class MemorySampler implements AutoCloseable {
    private final Process jstat;
    private final Thread rssThread;
    private final Thread heapThread;
    private final AtomicLong rssPeak = new AtomicLong();
    private final AtomicLong heapUsedPeak = new AtomicLong();
    private final AtomicLong heapCommittedPeak = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final Queue<long[]> rssSeries = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    private MemorySampler(long pid, Process jstat) {
      this.jstat = jstat;
      this.rssThread =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (running) {
                      long rss = Memory.statusKb(pid, "VmRSS:");
                      rssPeak.accumulateAndGet(rss, Math::max);
                      rssSeries.add(new long[] {System.nanoTime(), rss});
                      samples.incrementAndGet();
                      try {
                        Thread.sleep(50);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
      this.heapThread =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try (BufferedReader lines =
                        new BufferedReader(
                            new InputStreamReader(
                                jstat.getInputStream(), StandardCharsets.UTF_8))) {
                      String header = lines.readLine();
                      for (String row; (row = lines.readLine()) != null; ) {
                        if (row.isBlank() || row.trim().startsWith("S0C")) {
                          continue;
                        }
                        long[] heap = Memory.heapKb(header, row);
                        heapUsedPeak.accumulateAndGet(heap[0], Math::max);
                        heapCommittedPeak.accumulateAndGet(heap[1], Math::max);
                      }
                    } catch (IOException | RuntimeException e) {
                      // jstat ended
                    }
                  });
    }

    static MemorySampler start(long pid) throws IOException {
      Process jstat =
          new ProcessBuilder(jstatPath(), "-gc", String.valueOf(pid), "100")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      return new MemorySampler(pid, jstat);
    }

    long samples() {
      return samples.get();
    }

    /**
     * RSS (KiB) at the first sample at or after {@code from} (nanoTime), and the most it reached
     * from there on: after the first part of an upload, RSS that keeps growing tracks the bytes.
     */
    long[] rssFromAndMaxAfter(long from) {
      long at = -1;
      long max = 0;
      for (long[] sample : rssSeries) {
        if (sample[0] >= from) {
          if (at < 0) {
            at = sample[1];
          }
          max = Math.max(max, sample[1]);
        }
      }
      return new long[] {at, max};
    }

    Memory peak() {
      return new Memory(rssPeak.get(), heapUsedPeak.get(), heapCommittedPeak.get());
    }

    @Override
    public void close() {
      running = false;
      jstat.destroy();
      try {
        rssThread.join();
        heapThread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String jstatPath() {
    return Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
  }

  record Result(int exit, String output) {}

  private static Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.waitFor(), output);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
