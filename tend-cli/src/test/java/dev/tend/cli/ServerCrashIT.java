package dev.tend.cli;

import static dev.tend.server.internal.PausePoints.PUSH_BEFORE_COMMIT;
import static dev.tend.server.internal.PausePoints.PUSH_COMMITTED;
import static dev.tend.server.internal.PausePoints.PUSH_MATERIALIZED;
import static dev.tend.server.internal.PausePoints.PUSH_NAMED;
import static dev.tend.server.internal.PausePoints.PUSH_RESERVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.TendApi.PushedFile;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real {@code tend server} process killed with SIGKILL during uploads and pushes, then restarted
 * on the same data dir: no partial version is ever visible, aliases stay where they were, the work
 * folders and temporary upload files are gone, and the next push works and gets a fresh number. A
 * push reserves its number only after checking its files, so a kill before that uses no number and
 * a kill after it leaves one that the restart abandons. Metadata in SQLite under the data dir (the
 * default), and in PostgreSQL ({@code TEND_METADATA_URL}) for the kill of pushes past their
 * reservation. 8 server starts in all, each some 2 to 5 s of two shared cores.
 */
@ParameterizedClass
@EnumSource(Engine.class)
class ServerCrashIT {
  static final String PROJECT = "flights";
  static final String DATASET = "trips";
  static final String SUITE =
      "version: 1\nchecks:\n  - between: {column: delay, min: -120, max: 1800}\n"
          + "    name: delay in range\n";

  /** The seed of the kills at random moments; {@code -Dtend.crash.seed=N} replays another. */
  static final long SEED = Long.getLong("tend.crash.seed", 20261127L);

  static final int RANDOM_KILLS = 2;

  @Parameter Engine metadata;
  @TempDir Path dir;
  Path dataDir;
  TestDatabase postgres;
  ServerProcess server;
  String token;

  @BeforeEach
  void prepare() {
    dataDir = dir.resolve("data");
    if (metadata == Engine.POSTGRESQL) {
      postgres = TestDatabase.create(Engine.POSTGRESQL);
    }
  }

  @AfterEach
  void stop() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  @Test
  void aKillAtEachStepOfAnUploadAndAPushLeavesNoPartialVersionAndTheNextPushGetsAFreshNumber()
      throws Exception {
    // Each start but the last is killed once, with pushes paused at the points of one step, and
    // the next start checks the recovery. On SQLite, first a push paused before it picked its
    // version's id, one paused with its folder named after that id but nothing reserved, and an
    // upload cut halfway, then three pushes paused after reserving, before committing and after
    // committing; on PostgreSQL the second kill only (StartupCleanupTest covers the rest).
    List<String> afterReservation = List.of(PUSH_RESERVED, PUSH_BEFORE_COMMIT, PUSH_COMMITTED);
    List<List<String>> kills =
        metadata == Engine.SQLITE
            ? List.of(List.of(PUSH_MATERIALIZED, PUSH_NAMED), afterReservation)
            : List.of(afterReservation);
    Map<Integer, PushedFile> pushed = new LinkedHashMap<>();
    Map<String, Integer> expectedAliases = Map.of();
    Optional<PushedFile> killedUpload = Optional.empty();
    int lastReserved = 0;
    int files = 0;
    for (int i = 0; i <= kills.size(); i++) {
      List<String> points = i < kills.size() ? kills.get(i) : List.of();
      // Each point pauses at its second arrival: the first is the push that proves the restart
      // works.
      start(
          points.isEmpty()
              ? Optional.empty()
              : Optional.of(
                  points.stream().map(point -> point + "#2").collect(Collectors.joining(","))));
      try (TendApi api = api()) {
        if (i == 0) {
          api.createProject(PROJECT);
          api.createDataset(PROJECT, DATASET, SUITE);
          PushedFile first = file(files++, true);
          pushAndCheck(api, first, 1, "accepted");
          pushed.put(1, first);
          lastReserved = 1;
          api.moveAlias(PROJECT, DATASET, "production", 1);
          if (metadata == Engine.SQLITE) {
            assertASecondServerIsRefused();
          }
        } else {
          assertRecovered(api, pushed, expectedAliases);
          int next = lastReserved + 1;
          PushedFile file;
          if (killedUpload.isPresent()) {
            file = killedUpload.get();
            assertThat(api.download(file.sha256()).status()).as("a killed upload").isEqualTo(404);
            killedUpload = Optional.empty();
          } else {
            file = file(files++, i % 2 == 0);
          }
          pushAndCheck(api, file, next, isGood(file) ? "accepted" : "rejected");
          pushed.put(next, file);
          lastReserved = next;
        }
        if (points.isEmpty()) {
          break;
        }
        expectedAliases = api.aliases(PROJECT, DATASET);
        List<PushedFile> crashing = new ArrayList<>();
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        for (String point : points) {
          PushedFile file = file(files++, true);
          api.upload(file.content());
          List<String> before = pushFolders();
          answers.add(postInBackground(api, file));
          server.awaitPause(dataDir, point);
          List<String> added = new ArrayList<>(pushFolders());
          added.removeAll(before);
          assertThat(added).as("the work folder of the push paused at %s", point).hasSize(1);
          folders.add(added.getFirst());
          crashing.add(file);
        }
        if (points.contains(PUSH_MATERIALIZED)) {
          PushedFile big = file(files++, true, 200_000);
          killDuringUpload(big);
          killedUpload = Optional.of(big);
        } else {
          server.kill();
        }
        for (CompletableFuture<JsonNode> answer : answers) {
          assertThat(answered(answer)).as("an answer from a killed server").isFalse();
        }
        assertThat(pushFolders())
            .as("what the killed pushes left")
            .containsExactlyInAnyOrderElementsOf(folders);

        // Pushes reserve in the order they were sent, and only once their files are checked.
        Metadata database = new Metadata(metadataUrl());
        int pending = 0;
        for (int p = 0; p < points.size(); p++) {
          String point = points.get(p);
          if (point.equals(PUSH_MATERIALIZED)) {
            assertThat(folders.get(p))
                .as("the folder of a push not reserved")
                .startsWith("push-new-");
            continue;
          }
          if (point.equals(PUSH_NAMED)) {
            assertThat(folders.get(p))
                .as("the folder of a push named after a version id it did not reserve yet")
                .matches("push-[0-9A-Z]{26}");
            continue;
          }
          lastReserved++;
          assertThat(folders.get(p))
              .as("the folder of the push paused at %s records its reservation", point)
              .isEqualTo("push-" + database.versionId(DATASET, lastReserved));
          if (point.equals(PUSH_COMMITTED)) {
            pushed.put(lastReserved, crashing.get(p));
            expectedAliases = new LinkedHashMap<>(expectedAliases);
            expectedAliases.put("latest", lastReserved);
          } else {
            pending++;
          }
        }
        assertThat(database.lastVersion(DATASET))
            .as("the last number reserved after a kill at %s", points)
            .isEqualTo(lastReserved);
        assertThat(database.pendingVersions()).isEqualTo(pending);
      }
    }
  }

  private static CompletableFuture<JsonNode> postInBackground(TendApi api, PushedFile file) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return api.postVersion(PROJECT, DATASET, List.of(file));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
  }

  /* The running server holds the data dir, so a second one on it stops at once with a message. */
  private void assertASecondServerIsRefused() {
    Cli.Result second =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () -> Cli.run("server", "--port", "0", "--data-dir", dataDir),
            "a second server started on a data dir in use");
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(2);
    assertThat(second.err())
        .contains("is in use by another Tend server", "server.lock")
        .doesNotContain("\tat ");
  }

  /* Sends half of a blob by hand, so the upload is in progress for sure when the kill comes. */
  private void killDuringUpload(PushedFile big) throws Exception {
    try (Socket socket = new Socket(server.uri().getHost(), server.uri().getPort())) {
      OutputStream out = socket.getOutputStream();
      String head =
          "PUT /api/v1/blobs/"
              + big.sha256()
              + " HTTP/1.1\r\nHost: "
              + server.uri().getAuthority()
              + "\r\nAuthorization: Bearer "
              + token
              + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
              + big.content().length
              + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      int sent = big.content().length / 2;
      out.write(big.content(), 0, sent);
      out.flush();
      awaitTemporaryUploadOfAtLeast(sent / 2);
      server.kill();
    }
    assertThat(temporaryUploads()).as("what the killed upload left").hasSize(1);
    assertThat(blobFiles()).noneMatch(p -> p.getFileName().toString().equals(big.sha256()));
  }

  @Test
  void killsAtRandomMomentsOfAPushLoopNeverShowAPartialVersion() throws Exception {
    assumeTrue(metadata == Engine.SQLITE, "one metadata store is enough for the random kills");
    Random random = new Random(SEED);
    Map<Integer, PushedFile> pushed = new ConcurrentHashMap<>();
    start(Optional.empty());
    try (TendApi api = api()) {
      api.createProject(PROJECT);
      api.createDataset(PROJECT, DATASET, SUITE);
      PushedFile first = file(0, true);
      pushAndCheck(api, first, 1, "accepted");
      pushed.put(1, first);
      api.moveAlias(PROJECT, DATASET, "production", 1);
    }
    int[] files = {1};
    List<String> kills = new ArrayList<>();
    for (int kill = 1; kill <= RANDOM_KILLS; kill++) {
      AtomicReference<PushedFile> inFlight = new AtomicReference<>();
      AtomicReference<Throwable> unexpected = new AtomicReference<>();
      Random contents = new Random(random.nextLong());
      TendApi api = api();
      Thread pusher =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        PushedFile file = file(files[0]++, contents.nextInt(4) > 0, 20_000);
                        inFlight.set(file);
                        JsonNode version = api.push(PROJECT, DATASET, List.of(file));
                        pushed.put(version.get("number").asInt(), file);
                      }
                    } catch (IOException | InterruptedException e) {
                      // the server was killed under the push
                    } catch (Throwable e) {
                      unexpected.set(e);
                    }
                  });
      long delay = 100 + random.nextInt(1500);
      Thread.sleep(delay);
      server.kill();
      assertThat(pusher.join(Duration.ofSeconds(30))).isTrue();
      api.close();
      assertThat(unexpected.get()).as("a push answered other than 201 before the kill").isNull();
      String killed =
          "kill "
              + kill
              + " after "
              + delay
              + " ms, "
              + pushed.size()
              + " versions so far: "
              + temporaryUploads().size()
              + " upload(s) and "
              + pushFolders().size()
              + " push folder(s) in progress";
      long lastReserved = new Metadata(metadataUrl()).lastVersion(DATASET);

      start(Optional.empty());
      try (TendApi restarted = api()) {
        Map<Integer, String> versions = restarted.versions(PROJECT, DATASET);
        // The push in flight may have committed before the kill without answering: keep it.
        String inFlightOutcome = "not committed";
        for (int number : versions.keySet()) {
          if (!pushed.containsKey(number)) {
            inFlightOutcome = "committed as version " + number + " without an answer";
            assertThat(number).as("the one unanswered push, seed %d", SEED).isEqualTo(lastReserved);
            pushed.put(number, inFlight.get());
          }
        }
        Map<String, Integer> aliases = new LinkedHashMap<>();
        aliases.put("latest", latestAccepted(pushed));
        aliases.put("production", 1);
        assertRecovered(restarted, pushed, aliases);
        kills.add(killed + "; the push in flight: " + inFlightOutcome);
        PushedFile next = file(files[0]++, true, 20_000);
        pushAndCheck(restarted, next, (int) lastReserved + 1, "accepted");
        pushed.put((int) lastReserved + 1, next);
      }
    }
    System.out.println("random kills, seed " + SEED + ":\n  " + String.join("\n  ", kills));
  }

  /* What every restart must show: exactly the versions pushed, complete, and nothing left over. */
  private void assertRecovered(
      TendApi api, Map<Integer, PushedFile> pushed, Map<String, Integer> aliases) throws Exception {
    Map<Integer, String> versions = api.versions(PROJECT, DATASET);
    assertThat(versions.keySet()).containsExactlyInAnyOrderElementsOf(pushed.keySet());
    for (Map.Entry<Integer, String> version : versions.entrySet()) {
      PushedFile file = pushed.get(version.getKey());
      JsonNode read = api.version(PROJECT, DATASET, version.getKey());
      assertThat(version.getValue()).isEqualTo(isGood(file) ? "accepted" : "rejected");
      assertThat(read.get("row_count").asLong()).isEqualTo(rows(file));
      assertThat(read.get("files")).hasSize(1);
      assertThat(read.at("/files/0/sha256").asText()).isEqualTo(file.sha256());
      assertThat(api.download(file.sha256())).isEqualTo(new TendApi.Download(200, file.sha256()));
    }
    assertThat(api.aliases(PROJECT, DATASET)).isEqualTo(aliases);
    assertThat(pushFolders()).as("push folders after a restart").isEmpty();
    assertThat(temporaryUploads()).as("temporary uploads after a restart").isEmpty();
    assertThat(new Metadata(metadataUrl()).pendingVersions()).isZero();
  }

  private static int pushAndCheck(TendApi api, PushedFile file, int number, String status)
      throws Exception {
    JsonNode version = api.push(PROJECT, DATASET, List.of(file));
    assertThat(version.get("number").asInt()).isEqualTo(number);
    assertThat(version.get("status").asText()).isEqualTo(status);
    return number;
  }

  private static int latestAccepted(Map<Integer, PushedFile> pushed) {
    return pushed.entrySet().stream()
        .filter(e -> isGood(e.getValue()))
        .mapToInt(Map.Entry::getKey)
        .max()
        .orElseThrow();
  }

  /** The i-th pushed file: a CSV of 50 + i rows, one delay out of the suite's range when bad. */
  private static PushedFile file(int i, boolean good) {
    return file(i, good, 50);
  }

  private static PushedFile file(int i, boolean good, int baseRows) {
    StringBuilder csv = new StringBuilder("id,delay\n");
    int rows = baseRows + i;
    for (int row = 0; row < rows; row++) {
      int delay = !good && row == rows / 2 ? 9999 : (row * 37 + i) % 240 - 60;
      csv.append(row).append(',').append(delay).append('\n');
    }
    return new PushedFile("trips.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isGood(PushedFile file) {
    return !new String(file.content(), StandardCharsets.UTF_8).contains(",9999\n");
  }

  private static long rows(PushedFile file) {
    return new String(file.content(), StandardCharsets.UTF_8).lines().count() - 1;
  }

  private void start(Optional<String> pauseAt) throws IOException, InterruptedException {
    server =
        ServerProcess.start(
            new ServerProcess.Options(
                dataDir,
                Optional.ofNullable(postgres).map(TestDatabase::url),
                pauseAt,
                dir.resolve("scratch")));
    if (server.adminToken().isPresent()) {
      token = server.adminToken().get();
    }
  }

  private TendApi api() {
    return new TendApi(server.uri(), token);
  }

  private String metadataUrl() {
    return postgres != null ? postgres.url() : "jdbc:sqlite:" + dataDir.resolve("tend.db");
  }

  private static boolean answered(CompletableFuture<JsonNode> answer) throws Exception {
    try {
      answer.get(30, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | CompletionException e) {
      return false;
    }
  }

  /* The names of the folders in the work dir, sorted. */
  private List<String> pushFolders() throws IOException {
    return list(dataDir.resolve("work")).stream()
        .map(path -> path.getFileName().toString())
        .sorted()
        .toList();
  }

  private List<Path> temporaryUploads() throws IOException {
    return list(dataDir.resolve("artifacts").resolve("tmp"));
  }

  private List<Path> blobFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dataDir.resolve("artifacts").resolve("blobs"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static List<Path> list(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.toList();
    }
  }

  private void awaitTemporaryUploadOfAtLeast(long bytes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (Path file : temporaryUploads()) {
        if (Files.size(file) >= bytes) {
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the server never wrote " + bytes + " bytes of the upload");
  }
}
