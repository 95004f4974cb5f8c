package dev.tend.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.ConflictException;
import dev.tend.store.Engine;
import dev.tend.store.Ids;
import dev.tend.store.NotFoundException;
import dev.tend.store.Page;
import dev.tend.store.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class DatasetRepositoryTest {
  private static final String SHA = "a".repeat(64);

  @Parameter Engine engine;
  TestDatabase db;
  DatasetRepository datasets;
  Project project;
  Dataset dataset;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    datasets = DatasetRepository.of(db.database());
    project = ProjectRepository.of(db.database()).create("flights", "", "root");
    dataset = datasets.create(project.id(), "january", "alice");
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private static VersionContent content(String... paths) {
    List<ManifestFile> files = new ArrayList<>();
    for (String path : paths) {
      files.add(new ManifestFile(path, 10, SHA));
    }
    return new VersionContent(
        files,
        10L * paths.length,
        100,
        "{\"columns\":[]}",
        "profile".getBytes(StandardCharsets.UTF_8),
        "{\"passed\":true}");
  }

  private DatasetVersion push(VersionStatus outcome) {
    PendingVersion pending = datasets.reserveVersion(dataset.id(), "upload", "alice");
    return datasets.commitVersion(pending.id(), outcome, content("part-0.parquet"), "alice");
  }

  @Test
  void createsFindsAndValidatesDatasets() {
    assertThat(datasets.get(dataset.id())).contains(dataset);
    assertThat(datasets.find(project.id(), "january")).contains(dataset);
    assertThatThrownBy(() -> datasets.create(project.id(), "../etc", "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("path separator");
    assertThatThrownBy(() -> datasets.create(project.id(), "a\u0007", "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control characters");
    assertThatThrownBy(() -> datasets.create(project.id(), "january", "bob"))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> datasets.create("no-such-project", "x", "bob"))
        .isInstanceOf(NotFoundException.class);
    datasets.create(project.id(), "february", "alice");
    Page<Dataset> first = datasets.list(project.id(), Optional.empty(), 1);
    assertThat(first.items()).containsExactly(dataset);
    assertThat(datasets.list(project.id(), first.nextCursor(), 1).items())
        .extracting(Dataset::name)
        .containsExactly("february");
  }

  @Test
  void newestVersionsSkipsPendingOnesAndDatasetsWithoutVersions() {
    push(VersionStatus.ACCEPTED);
    push(VersionStatus.REJECTED);
    datasets.reserveVersion(dataset.id(), "upload", "alice");
    datasets.create(project.id(), "empty", "alice");
    Dataset other = datasets.create(project.id(), "april", "alice");
    PendingVersion pending = datasets.reserveVersion(other.id(), "upload", "alice");
    datasets.commitVersion(pending.id(), VersionStatus.ACCEPTED, content("a.parquet"), "alice");
    Project elsewhere = ProjectRepository.of(db.database()).create("zoo", "", "root");
    datasets.create(elsewhere.id(), "penguins", "alice");

    assertThat(datasets.newestVersions(project.id(), 10))
        .extracting(DatasetVersion::datasetId, DatasetVersion::number, DatasetVersion::status)
        .containsExactly(
            tuple(other.id(), 1, VersionStatus.ACCEPTED),
            tuple(dataset.id(), 2, VersionStatus.REJECTED));
    assertThat(datasets.newestVersions(project.id(), 1)).hasSize(1);
    assertThat(datasets.newestVersions(elsewhere.id(), 10)).isEmpty();
  }

  @Test
  void attachesASuiteWithItsHash() throws Exception {
    Dataset withSuite = datasets.attachSuite(dataset.id(), Optional.of("checks: []\n"), "alice");

    assertThat(withSuite.suite().map(Suite::yaml)).contains("checks: []\n");
    assertThat(withSuite.suite().map(Suite::sha256))
        .contains(
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest("checks: []\n".getBytes(StandardCharsets.UTF_8))));
    assertThat(datasets.attachSuite(dataset.id(), Optional.empty(), "alice").suite()).isEmpty();
  }

  @Test
  void pendingVersionsAreInvisibleUntilCommitted() {
    PendingVersion pending =
        datasets.reserveVersion(dataset.id(), "upload of jan.parquet", "alice");

    assertThat(pending.number()).isEqualTo(1);
    assertThat(datasets.version(dataset.id(), 1)).isEmpty();
    assertThat(datasets.versionById(pending.id())).isEmpty();
    assertThat(datasets.versions(dataset.id(), Optional.empty(), 10).items()).isEmpty();
    assertThat(datasets.manifest(pending.id())).isEmpty();
    assertThat(datasets.profile(pending.id())).isEmpty();
    assertThatThrownBy(() -> datasets.moveAlias(dataset.id(), "production", 1, "x", true, "bob"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> datasets.recordUsage(pending.id(), "run", "r1"))
        .isInstanceOf(NotFoundException.class);

    DatasetVersion committed =
        datasets.commitVersion(
            pending.id(), VersionStatus.ACCEPTED, content("b.parquet", "a.parquet"), "alice");

    assertThat(committed.number()).isEqualTo(1);
    assertThat(committed.status()).isEqualTo(VersionStatus.ACCEPTED);
    assertThat(committed.source()).isEqualTo("upload of jan.parquet");
    assertThat(committed.totalBytes()).isEqualTo(20);
    assertThat(datasets.version(dataset.id(), 1)).contains(committed);
    assertThat(datasets.versionById(committed.id())).contains(committed);
    assertThat(datasets.manifest(committed.id()))
        .extracting(ManifestFile::path)
        .containsExactly("a.parquet", "b.parquet");
    assertThat(datasets.profile(committed.id()).map(b -> new String(b, StandardCharsets.UTF_8)))
        .contains("profile");
    assertThat(datasets.resolve(dataset.id(), "latest")).contains(committed);
    assertThatThrownBy(
            () ->
                datasets.commitVersion(pending.id(), VersionStatus.REJECTED, content("x"), "alice"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already accepted");
  }

  @Test
  void abandonedAndStalePendingVersionsAreRemoved() {
    PendingVersion abandoned = datasets.reserveVersion(dataset.id(), "upload", "alice");
    datasets.abandon(abandoned.id(), "alice");
    assertThatThrownBy(() -> datasets.abandon(abandoned.id(), "alice"))
        .isInstanceOf(NotFoundException.class);

    PendingVersion stale = datasets.reserveVersion(dataset.id(), "upload", "alice");
    db.clock().advance(Duration.ofHours(2));
    PendingVersion fresh = datasets.reserveVersion(dataset.id(), "upload", "alice");

    assertThat(datasets.cleanupPending(Duration.ofHours(1))).isEqualTo(1);
    assertThat(db.count("dataset_versions")).isEqualTo(1);
    assertThatThrownBy(
            () -> datasets.commitVersion(stale.id(), VersionStatus.ACCEPTED, content(), "alice"))
        .isInstanceOf(NotFoundException.class);
    DatasetVersion committed =
        datasets.commitVersion(fresh.id(), VersionStatus.ACCEPTED, content(), "alice");
    assertThat(committed.number()).as("numbers of dropped pushes are not reused").isEqualTo(3);
  }

  /* A push records its version's id for crash recovery before it reserves under that id. */
  @Test
  void aVersionIsReservedUnderTheIdItsPushChoseAndOnlyOnce() {
    String id = Ids.next();
    PendingVersion pending = datasets.reserveVersion(id, dataset.id(), "upload", "alice");
    assertThat(pending).isEqualTo(new PendingVersion(id, dataset.id(), 1));

    assertThatThrownBy(() -> datasets.reserveVersion(id, dataset.id(), "again", "alice"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining(id);
    assertThatThrownBy(() -> datasets.reserveVersion("push-1", dataset.id(), "upload", "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("push-1");
    assertThatThrownBy(() -> datasets.reserveVersion(Ids.next(), Ids.next(), "upload", "alice"))
        .isInstanceOf(NotFoundException.class);
    assertThat(db.count("dataset_versions")).isEqualTo(1);
    assertThat(datasets.reserveVersion(dataset.id(), "upload", "alice").number())
        .as("refused reservations use up no number")
        .isEqualTo(2);
  }

  @Test
  void latestFollowsAcceptedCommitsOnlyAndNeverMovesBack() {
    DatasetVersion v1 = push(VersionStatus.ACCEPTED);
    DatasetVersion v2 = push(VersionStatus.REJECTED);

    assertThat(datasets.resolve(dataset.id(), "latest")).contains(v1);
    assertThat(v2.status()).isEqualTo(VersionStatus.REJECTED);

    PendingVersion v3 = datasets.reserveVersion(dataset.id(), "slow upload", "alice");
    DatasetVersion v4 = push(VersionStatus.ACCEPTED);
    datasets.commitVersion(v3.id(), VersionStatus.ACCEPTED, content(), "alice");

    assertThat(datasets.resolve(dataset.id(), "latest")).contains(v4);
    assertThat(datasets.aliasHistory(dataset.id(), "latest"))
        .extracting(AliasChange::fromNumber, AliasChange::toNumber)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Optional.empty(), 1),
            org.assertj.core.groups.Tuple.tuple(Optional.of(1), 4));
  }

  @Test
  void movingAnAliasToARejectedVersionNeedsForce() {
    DatasetVersion good = push(VersionStatus.ACCEPTED);
    DatasetVersion bad = push(VersionStatus.REJECTED);
    datasets.moveAlias(dataset.id(), "production", good.number(), "first release", false, "bob");
    long auditRows = db.count("audit_events");

    assertThatThrownBy(
            () ->
                datasets.moveAlias(dataset.id(), "production", bad.number(), "oops", false, "bob"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("rejected");
    assertThat(datasets.resolve(dataset.id(), "production")).contains(good);
    assertThat(db.count("audit_events")).isEqualTo(auditRows);

    Alias moved =
        datasets.moveAlias(dataset.id(), "production", bad.number(), "known issue", true, "carol");

    assertThat(moved.versionNumber()).isEqualTo(2);
    assertThat(datasets.resolve(dataset.id(), "production")).contains(bad);
    assertThat(datasets.aliasHistory(dataset.id(), "production"))
        .extracting(
            AliasChange::toNumber, AliasChange::by, AliasChange::reason, AliasChange::forced)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "bob", "first release", false),
            org.assertj.core.groups.Tuple.tuple(2, "carol", "known issue", true));
    assertThat(datasets.aliases(dataset.id()))
        .extracting(Alias::name)
        .containsExactly("latest", "production");
    assertThatThrownBy(() -> datasets.moveAlias(dataset.id(), "production", 9, "x", true, "bob"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> datasets.moveAlias(dataset.id(), "Prod", 1, "x", true, "bob"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> datasets.moveAlias(dataset.id(), "12", 1, "x", true, "bob"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("digits");
    AliasChange back =
        datasets.changeAlias(dataset.id(), "production", good.number(), "roll back", false, "dan");
    assertThat(back)
        .extracting(
            AliasChange::fromNumber, AliasChange::toNumber, AliasChange::by, AliasChange::forced)
        .containsExactly(Optional.of(2), 1, "dan", false);
  }

  @Test
  void aFailedCommitLeavesNoAuditRowAndNoAliasMove() {
    PendingVersion pending = datasets.reserveVersion(dataset.id(), "upload", "alice");
    long auditRows = db.count("audit_events");

    // The duplicate path fails on the last statement, after the alias and audit rows are written.
    assertThatThrownBy(
            () ->
                datasets.commitVersion(
                    pending.id(), VersionStatus.ACCEPTED, content("a.csv", "a.csv"), "alice"))
        .isInstanceOf(ConflictException.class);

    assertThat(db.count("audit_events")).isEqualTo(auditRows);
    assertThat(db.count("alias_history")).isZero();
    assertThat(datasets.resolve(dataset.id(), "latest")).isEmpty();
    assertThat(datasets.version(dataset.id(), 1)).isEmpty();
    assertThat(
            datasets
                .commitVersion(pending.id(), VersionStatus.ACCEPTED, content("a.csv"), "alice")
                .number())
        .isEqualTo(1);
  }

  @Test
  void concurrentPushesGetDistinctConsecutiveNumbers() throws Exception {
    int threads = 8;
    int pushesEach = 10;
    List<Integer> numbers = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < pushesEach; i++) {
                    PendingVersion pending =
                        datasets.reserveVersion(dataset.id(), "concurrent", "alice");
                    datasets.commitVersion(
                        pending.id(), VersionStatus.ACCEPTED, content("f.csv"), "alice");
                    numbers.add(pending.number());
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }

    assertThat(numbers)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(1, threads * pushesEach).boxed().toList());
    assertThat(datasets.resolve(dataset.id(), "latest").map(DatasetVersion::number))
        .contains(threads * pushesEach);
    List<Integer> listed = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    do {
      Page<DatasetVersion> page = datasets.versions(dataset.id(), cursor, 30);
      page.items().forEach(v -> listed.add(v.number()));
      cursor = page.nextCursor();
    } while (cursor.isPresent());
    assertThat(listed).isEqualTo(IntStream.rangeClosed(1, 80).boxed().toList());
  }

  @Test
  void recordsWhatUsedAVersion() {
    DatasetVersion v1 = push(VersionStatus.ACCEPTED);

    long audited = db.count("audit_events");
    assertThat(datasets.recordUsage(v1.id(), "run", "r1", "alice")).isTrue();
    assertThat(datasets.recordUsage(v1.id(), "run", "r1", "alice")).isFalse();
    assertThat(datasets.recordUsage(v1.id(), "model", "m1")).isTrue();
    assertThat(db.count("audit_events")).isEqualTo(audited + 2);

    assertThat(datasets.usages(v1.id()))
        .extracting(VersionUsage::usedByKind, VersionUsage::usedById)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("run", "r1"),
            org.assertj.core.groups.Tuple.tuple("model", "m1"));
  }

  @Test
  void findsTheVersionsSomethingUsedAcrossDatasetsAndProjects() {
    DatasetVersion v1 = push(VersionStatus.ACCEPTED);
    DatasetVersion v2 = push(VersionStatus.REJECTED);
    Project other = ProjectRepository.of(db.database()).create("weather", "", "root");
    Dataset rain = datasets.create(other.id(), "rain", "alice");
    PendingVersion pending = datasets.reserveVersion(rain.id(), "upload", "alice");
    DatasetVersion r1 =
        datasets.commitVersion(
            pending.id(), VersionStatus.ACCEPTED, content("part-0.parquet"), "alice");
    datasets.recordUsage(v1.id(), "run", "r1");
    db.clock().advance(Duration.ofSeconds(1));
    datasets.recordUsage(r1.id(), "run", "r1");
    db.clock().advance(Duration.ofSeconds(1));
    datasets.recordUsage(v2.id(), "run", "r1");
    datasets.recordUsage(v2.id(), "run", "r2");
    datasets.recordUsage(v2.id(), "model_version", "r1");

    assertThat(datasets.usedBy("run", "r1"))
        .extracting(
            UsedVersion::projectName,
            UsedVersion::datasetName,
            UsedVersion::versionNumber,
            UsedVersion::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("flights", "january", 1, VersionStatus.ACCEPTED),
            org.assertj.core.groups.Tuple.tuple("weather", "rain", 1, VersionStatus.ACCEPTED),
            org.assertj.core.groups.Tuple.tuple("flights", "january", 2, VersionStatus.REJECTED));
    assertThat(datasets.usedBy("run", "r3")).isEmpty();
    assertThat(datasets.usedBy("model_version", "r1")).hasSize(1);
  }
}
