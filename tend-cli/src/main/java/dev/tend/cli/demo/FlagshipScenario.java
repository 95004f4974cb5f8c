package dev.tend.cli.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.LocalServer;
import dev.tend.cli.Main;
import dev.tend.cli.remote.TendClient;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.config.TendConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The flagship scenario end to end: January becomes dataset version 1 and trains the served model;
 * February to June are replayed through the predict API in compressed time (one week per monitor
 * window), their labels fed back a window later and each week pushed as a new dataset version once
 * labelled; one week's feed is broken; the monitor, the alert rules and the automation policy do
 * the rest. Every step goes through the same HTTP API and CLI commands a user has. Not thread-safe;
 * run once.
 */
final class FlagshipScenario {
  static final String DATASET = "flights";
  static final String MODEL = "flight-delays";
  static final String DEPLOYMENT = "flight-delays-dev";
  static final String PROJECT = "default";
  static final String AUTOMATION = "retrain-flight-delays";

  private final DemoSettings settings;
  private final Path home;
  private final Path work;
  private final PrintWriter out;
  private final PrintWriter err;

  FlagshipScenario(DemoSettings settings, Path home, Path work, PrintWriter out, PrintWriter err) {
    this.settings = requireNonNull(settings, "settings is null");
    this.home = requireNonNull(home, "home is null");
    this.work = requireNonNull(work, "work is null");
    this.out = requireNonNull(out, "out is null");
    this.err = requireNonNull(err, "err is null");
  }

  /** What {@link #run} leaves behind: the summary, and the server when asked to keep it. */
  record Outcome(Summary summary, Optional<LocalServer> server, String token) {
    Outcome {
      requireNonNull(token, "token is null");
      requireNonNull(summary, "summary is null");
      requireNonNull(server, "server is null");
    }
  }

  /**
   * Runs the scenario; with {@code keepServer} the server is left running and handed back (the
   * caller closes it), else it is stopped before returning.
   */
  Outcome run(Path flights, boolean keepServer) throws InterruptedException {
    Examples examples = Examples.find(home);
    section("Slicing " + flights.getFileName() + " into January and " + DemoData.WEEKS + " weeks");
    Path january = DemoData.january(flights, work, settings.januaryFraction());
    List<DemoData.Week> weeks = DemoData.weeks(flights, work, settings.brokenWeek());
    List<DemoData.Week> replayed = settings.weeks(weeks);
    // Read every week's sample now: reading it when its window starts would eat into the window.
    Map<Integer, List<DemoData.Flight>> samples = new LinkedHashMap<>();
    for (DemoData.Week week : replayed) {
      samples.put(week.index(), DemoData.sample(week.file(), settings.sample()));
    }
    out.printf(
        Locale.ROOT,
        "   January: %s%n   %d weeks replayed from %s, %.0f%% of each week's flights, one week per"
            + " %ds window; broken feed in the week of %s%n%n",
        home.relativize(january.toAbsolutePath()),
        replayed.size(),
        replayed.getFirst().start(),
        settings.sample() * 100,
        settings.window().toSeconds(),
        weeks.get(settings.brokenWeek()).start());

    Path serverDir = work.resolve("server");
    DemoData.deleteTree(serverDir);
    // The server's request log would bury the demo's lines; warnings still show.
    System.setProperty("org.slf4j.simpleLogger.log.dev.tend.server", "warn");
    TendConfig config =
        TendConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                TendConfigLoader.SERVER_PORT,
                Integer.toString(settings.port()),
                TendConfigLoader.DATA_DIR,
                serverDir.toString(),
                TendConfigLoader.MONITORING_INTERVAL,
                "1s",
                TendConfigLoader.SERVING_LOG_SYNC_INTERVAL,
                "200ms"));
    LocalServer server = LocalServer.start(config, Optional.empty());
    boolean handedOver = false;
    try {
      String token = server.bootstrap().orElseThrow().plainText();
      section(
          "Tend " + TendServer.version() + " on " + server.uri() + " (data in " + serverDir + ")");
      out.println("   admin token of this throwaway server: " + token);
      out.println();
      Map<String, String> env = Map.of("TEND_URL", server.uri().toString(), "TEND_TOKEN", token);
      Summary summary;
      try (TendClient client = TendClient.connect(server.uri().toString(), Optional.of(token))) {
        LoopWatcher watcher = new LoopWatcher(client, PROJECT, DEPLOYMENT);
        Setup setup = setUp(env, examples, january, watcher);
        if (!setup.ok()) {
          out.println("A set-up step failed (see above): no traffic is replayed.");
          summary = Summary.collect(watcher, List.of(), Instant.now(), false, setup.automation());
        } else {
          try (TrafficReplayer replayer = new TrafficReplayer(client, DEPLOYMENT)) {
            summary = replay(client, replayer, watcher, env, replayed, samples, setup);
          }
        }
      }
      if (keepServer) {
        handedOver = true;
        return new Outcome(summary, Optional.of(server), token);
      }
      return new Outcome(summary, Optional.empty(), token);
    } finally {
      if (!handedOver) {
        server.close();
      }
    }
  }

  /** What the set-up steps achieved. */
  record Setup(boolean ok, boolean automation) {}

  private Setup setUp(
      Map<String, String> env, Examples examples, Path january, LoopWatcher watcher) {
    section("1. January 2001 pushed as dataset flights v1: profiled, checked, aliased production");
    boolean ok =
        tend(env, Main.OK, "data", "create", DATASET, "--suite", examples.relative(examples.suite));
    ok &=
        tend(
            env,
            Main.OK,
            "data",
            "push",
            DATASET,
            home.relativize(january.toAbsolutePath()).toString());
    ok &=
        tend(
            env,
            Main.OK,
            "data",
            "alias",
            DATASET,
            "production",
            "1",
            "--reason",
            "January is the training month of the flagship model");

    section(
        "2. The flagship pipeline trains, registers and deploys flight-delays v1 to " + DEPLOYMENT);
    ok &= tend(env, Main.OK, "pipeline", "run", examples.relative(examples.pipeline), "--wait");

    section(
        "3. Monitoring: one "
            + settings.window().toSeconds()
            + "s window per simulated week, segmented by origin; alert rules");
    ok &=
        tend(
            env,
            Main.OK,
            "monitor",
            "set",
            DEPLOYMENT,
            "--window",
            settings.window().toSeconds() + "s",
            "--segment",
            "origin");
    ok &= tend(env, Main.OK, "alerts", "rules", "apply", examples.relative(examples.alerts));

    boolean automation = false;
    if (Files.isRegularFile(examples.automation)) {
      section("4. The retrain pipeline, stored, and the automation policy that runs it");
      if (watcher.automationAvailable()) {
        ok &= tend(env, Main.OK, "pipeline", "apply", examples.relative(examples.retrain));
        Path policy = policyFor(examples.automation);
        ok &= tend(env, Main.OK, "automation", "apply", policy.toString());
        automation = true;
      } else {
        out.println("   (this build has no automation policies: alerts only, no retraining)");
        out.println();
      }
    }
    return new Setup(ok, automation);
  }

  private Summary replay(
      TendClient client,
      TrafficReplayer replayer,
      LoopWatcher watcher,
      Map<String, String> env,
      List<DemoData.Week> weeks,
      Map<Integer, List<DemoData.Flight>> samples,
      Setup setup)
      throws InterruptedException {
    section(
        "5. Replaying "
            + weeks.getFirst().start()
            + " to "
            + weeks.getLast().end().minusDays(1)
            + " through POST /api/v1/deployments/"
            + DEPLOYMENT
            + "/predict; labels follow a window later");
    LabelFeeder labels = new LabelFeeder(client);
    WeeklyPusher pusher = new WeeklyPusher(env, DATASET);
    ProgressLine progress = new ProgressLine(out, watcher);
    progress.header();

    List<Summary.WeekRecord> records = new ArrayList<>();
    ExecutorService backOffice = Executors.newSingleThreadExecutor();
    try {
      Instant windowStart = nextWindow(Instant.now());
      Instant firstWindow = windowStart;
      sleepUntil(windowStart);
      Future<Summary.Pushed> previous = null;
      TrafficReplayer.Replay last = null;
      DemoData.Week lastWeek = null;
      for (DemoData.Week week : weeks) {
        boolean held = false;
        if (records.size() >= 2) {
          Summary.WeekRecord before = records.get(records.size() - 2);
          held |=
              waitForMonitor(
                  watcher,
                  before.windowStart().plus(settings.window()),
                  before.pushed().labelledAt());
        }
        if (setup.automation()) {
          held |= holdWhileRetraining(watcher);
        }
        if (held) {
          windowStart = nextWindow(Instant.now());
          sleepUntil(windowStart);
        }
        List<DemoData.Flight> flights = samples.get(week.index());
        if (last != null) {
          previous = backOffice.submit(labelAndPush(labels, pusher, lastWeek, last));
        }
        Instant end = windowStart.plus(settings.window());
        TrafficReplayer.Replay replay = replayer.replay(flights, end);
        Summary.Pushed pushed = previous == null ? null : join(previous);
        if (pushed != null) {
          records.getLast().pushed(pushed);
        }
        records.add(new Summary.WeekRecord(week, windowStart, replay));
        progress.week(week, windowStart, replay, pushed, records);
        last = replay;
        lastWeek = week;
        windowStart = end;
        sleepUntil(windowStart);
      }
      // The last week's labels and push, then time for the monitor to judge them.
      Summary.Pushed pushed = join(backOffice.submit(labelAndPush(labels, pusher, lastWeek, last)));
      records.getLast().pushed(pushed);
      waitForMonitor(
          watcher, records.getLast().windowStart().plus(settings.window()), pushed.labelledAt());
      // One more window for the alert rules and the automation to act on the last figures.
      sleepUntil(nextWindow(Instant.now()));
      progress.tail(records);
      return Summary.collect(watcher, records, firstWindow, setup.ok(), setup.automation());
    } finally {
      backOffice.shutdownNow();
    }
  }

  /**
   * Holds the simulated clock until the monitor has read the predictions up to {@code
   * predictionsUntil} and the feedback sent up to {@code labelsSentAt}, so that on a busy machine
   * alerts and the automation still act on the week they should; on an idle one the monitor is
   * there already. Returns whether it held.
   */
  private boolean waitForMonitor(
      LoopWatcher watcher, Instant predictionsUntil, Instant labelsSentAt)
      throws InterruptedException {
    Instant since = Instant.now();
    while (true) {
      LoopWatcher.MonitorStatus status = watcher.monitorStatus();
      if (!status.cursor().isBefore(predictionsUntil)
          && !status.feedbackCursor().isBefore(labelsSentAt)) {
        long seconds = Duration.between(since, Instant.now()).toSeconds();
        if (seconds >= 1) {
          out.printf(
              Locale.ROOT,
              "   (the clock held %d s for the monitor to catch up with the traffic)%n",
              seconds);
          out.flush();
        }
        return seconds >= 1;
      }
      Thread.sleep(250);
    }
  }

  /**
   * Holds the simulated clock while an automation action is queued or training: a real retrain
   * takes an hour or so, a sliver of a week, while here it takes as many real seconds as several
   * simulated weeks would. Returns whether it held.
   */
  private boolean holdWhileRetraining(LoopWatcher watcher) throws InterruptedException {
    boolean held = false;
    Instant since = Instant.now();
    while (true) {
      List<JsonNode> actions = watcher.actions();
      String state = actions.isEmpty() ? "" : actions.getFirst().path("state").asText();
      if (!RETRAINING.contains(state)) {
        if (held) {
          out.printf(
              Locale.ROOT,
              "   (the clock held %d s while the retrain ran; the action is now %s)%n",
              Duration.between(since, Instant.now()).toSeconds(),
              state);
          out.flush();
        }
        return held;
      }
      if (!held) {
        out.println(
            "   (automation action "
                + state
                + ": the simulated clock holds while the retrain pipeline runs)");
        out.flush();
        held = true;
      }
      Thread.sleep(1000);
    }
  }

  /** The states in which an action retrains. */
  static final Set<String> RETRAINING = Set.of("queued", "training");

  /**
   * The example policy with its canary window set to the demo's monitor window, written to the work
   * folder: a canary is judged per window of traffic, and here a window is one week.
   */
  private Path policyFor(Path example) {
    String text;
    try {
      text = Files.readString(example);
      text =
          text.replaceAll("(?m)^(\\s+window:\\s*)\\S+", "$1" + settings.window().toSeconds() + "s");
      Path policy = work.resolve("automation.yaml");
      Files.writeString(policy, text);
      return policy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Callable<Summary.Pushed> labelAndPush(
      LabelFeeder labels, WeeklyPusher pusher, DemoData.Week week, TrafficReplayer.Replay replay) {
    return () -> {
      LabelFeeder.Fed fed = labels.feed(replay.answered());
      WeeklyPusher.Pushed pushed = pusher.push(week.file());
      return new Summary.Pushed(
          fed.labels(), fed.lastSentAt(), pushed.accepted(), pushed.exitCode(), pushed.output());
    };
  }

  private static <T> T join(Future<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    }
  }

  private Instant nextWindow(Instant now) {
    long seconds = settings.window().toSeconds();
    long next = (now.getEpochSecond() / seconds + 1) * seconds;
    return Instant.ofEpochSecond(next);
  }

  private static void sleepUntil(Instant when) throws InterruptedException {
    long millis = Duration.between(Instant.now(), when).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private boolean tend(Map<String, String> env, int expected, String... args) {
    out.println("$ tend " + String.join(" ", args));
    out.flush();
    int code = Main.run(args, out, err, env);
    out.println();
    if (code != expected) {
      out.printf("   (exit code %d, expected %d)%n%n", code, expected);
    }
    return code == expected;
  }

  private void section(String title) {
    out.println("== " + title);
    out.flush();
  }

  /** The example files the scenario applies, found under the Tend repository. */
  record Examples(
      Path home, Path suite, Path pipeline, Path alerts, Path retrain, Path automation) {
    static Examples find(Path home) {
      Path dir = home.resolve("examples/flights");
      Examples examples =
          new Examples(
              home,
              dir.resolve("suite.yaml"),
              dir.resolve("pipeline.yaml"),
              dir.resolve("alerts.yaml"),
              dir.resolve("retrain.yaml"),
              dir.resolve("automation.yaml"));
      for (Path p : List.of(examples.suite, examples.pipeline, examples.alerts)) {
        if (!Files.isRegularFile(p)) {
          throw new Main.UsageException(
              "example not found at " + p + "; run the demo from the Tend repository");
        }
      }
      return examples;
    }

    String relative(Path p) {
      return home.relativize(p.toAbsolutePath()).toString();
    }
  }

  static String joinCounts(Map<String, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return "-";
    }
    return counts.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(
            e -> String.format(Locale.ROOT, "v%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total))
        .collect(Collectors.joining(" / "));
  }
}
