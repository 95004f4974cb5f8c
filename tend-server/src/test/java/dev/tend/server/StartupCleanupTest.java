package dev.tend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetVersion;
import dev.tend.datasets.ManifestFile;
import dev.tend.datasets.PendingVersion;
import dev.tend.datasets.VersionContent;
import dev.tend.datasets.VersionStatus;
import dev.tend.server.config.ConfigException;
import dev.tend.server.config.TendConfig;
import dev.tend.server.internal.PushFolder;
import dev.tend.store.Engine;
import dev.tend.store.Ids;
import dev.tend.store.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What opening the store cleans up after a process that died on the same data dir, and the data dir
 * lock that makes that safe. The dead process is played by a store that is closed without finishing
 * its pushes; the crash tests in tend-cli kill a real one.
 */
@ParameterizedClass
@EnumSource(Engine.class)
class StartupCleanupTest {
  @Parameter Engine engine;
  @TempDir Path dataDir;
  @TempDir Path elsewhere;
  TestDatabase db;

  @BeforeEach
  void create() {
    db = TestDatabase.create(engine);
  }

  @AfterEach
  void drop() {
    db.close();
  }

  private TendConfig config(Path artifactsDir) {
    return new TendConfig(
        0,
        TendConfig.DEFAULT_BIND,
        TendConfig.DEFAULT_MAX_REQUEST_BODY,
        Duration.ofSeconds(1),
        dataDir,
        db.url(),
        artifactsDir,
        false);
  }

  private static VersionContent content() {
    return new VersionContent(
        List.of(new ManifestFile("a.csv", 4, "a".repeat(64))),
        4,
        1,
        "{\"columns\":[]}",
        "profile".getBytes(StandardCharsets.UTF_8),
        "null");
  }

  /*
   * The dead store leaves a push at each step: killed while checking its files (no id yet), with
   * its folder named after its version's id but nothing reserved, right after reserving, before
   * its commit, and after it.
   */
  @Test
  void theFoldersOfDeadPushesGoAndTheirRecordedPendingVersionsAreAbandonedAtOnce()
      throws Exception {
    TendConfig config = config(dataDir.resolve("artifacts"));
    Path workDir;
    Path upload;
    String datasetId;
    try (StoreServices dead = StoreServices.open(config)) {
      workDir = dead.workDir();
      String project = dead.projects().create("flights", "", "root").id();
      Dataset dataset = dead.datasets().create(project, "trips", "root");
      datasetId = dataset.id();
      DatasetVersion kept = commit(dead, datasetId);
      PushFolder checking = PushFolder.create(workDir);
      Files.writeString(checking.path().resolve("a.csv"), "a\n1\n");
      PushFolder named = PushFolder.create(workDir);
      named.recordVersionId(Ids.next());
      PushFolder reserved = PushFolder.create(workDir);
      reserve(dead, reserved, datasetId);
      PushFolder beforeCommit = PushFolder.create(workDir);
      Files.writeString(beforeCommit.path().resolve("a.csv"), "a\n1\n");
      reserve(dead, beforeCommit, datasetId);
      PushFolder committed = PushFolder.create(workDir);
      PendingVersion last = reserve(dead, committed, datasetId);
      dead.datasets().commitVersion(last.id(), VersionStatus.ACCEPTED, content(), "root");
      assertThat(checking.path().getFileName().toString()).startsWith("push-new-");
      assertThat(named.path().getFileName().toString()).matches("push-[0-9A-Z]{26}");
      assertThat(reserved.path().getParent()).isEqualTo(workDir);
      assertThat(committed.path().getFileName().toString()).isEqualTo("push-" + last.id());
      Files.createDirectories(workDir.resolve("push-12345")); // named by an older server
      Files.writeString(workDir.resolve("notes.txt"), "not a push");
      upload = Files.writeString(config.artifactsDir().resolve("tmp/put-1.part"), "half");
      assertThat(kept.number()).isEqualTo(1);
      assertThat(last.number()).isEqualTo(4);
      assertThat(pendingCount()).isEqualTo(2);
    }

    try (StoreServices restarted = StoreServices.open(config)) {
      try (var left = Files.list(workDir)) {
        assertThat(left.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
      }
      assertThat(upload).doesNotExist();
      assertThat(pendingCount()).isZero();
      assertThat(abandonedAtStart())
          .containsExactly("dataset/trips/versions/2", "dataset/trips/versions/3");
      assertThat(restarted.datasets().versions(datasetId, Optional.empty(), 10).items())
          .extracting(DatasetVersion::number)
          .containsExactly(1, 4);
      assertThat(restarted.datasets().reserveVersion(datasetId, "push", "root").number())
          .isEqualTo(5);
    }
  }

  /*
   * Another server's push (on a shared PostgreSQL) has no folder in this data dir: its pending
   * version waits out the retention, and this server's unnamed folder just goes.
   */
  @Test
  void aPendingVersionWithoutAFolderHereWaitsOutTheRetention() throws Exception {
    TendConfig config = config(dataDir.resolve("artifacts"));
    String datasetId;
    Path unrecorded;
    try (StoreServices dead = StoreServices.open(config)) {
      String project = dead.projects().create("flights", "", "root").id();
      datasetId = dead.datasets().create(project, "trips", "root").id();
      dead.datasets().reserveVersion(datasetId, "another server's push", "root");
      unrecorded = PushFolder.create(dead.workDir()).path();
    }
    try (StoreServices restarted = StoreServices.open(config)) {
      assertThat(unrecorded).doesNotExist();
      assertThat(pendingCount()).isEqualTo(1);
      assertThat(abandonedAtStart()).isEmpty();
      assertThat(restarted.datasets().versions(datasetId, Optional.empty(), 10).items()).isEmpty();
    }
  }

  @Test
  void aFinishedPushLeavesNoFolder() throws Exception {
    TendConfig config = config(dataDir.resolve("artifacts"));
    try (StoreServices store = StoreServices.open(config)) {
      String project = store.projects().create("flights", "", "root").id();
      String datasetId = store.datasets().create(project, "trips", "root").id();
      PushFolder folder = PushFolder.create(store.workDir());
      try (folder) {
        Files.createDirectories(folder.path().resolve("part"));
        Files.writeString(folder.path().resolve("part/a.csv"), "a\n1\n");
        reserve(store, folder, datasetId);
      }
      assertThat(folder.path()).doesNotExist();
      try (var left = Files.list(store.workDir())) {
        assertThat(left).isEmpty();
      }
    }
  }

  @Test
  void uploadsToAnArtifactStoreOutsideTheDataDirAreRemovedOnlyWhenOld() throws Exception {
    TendConfig config = config(elsewhere.resolve("artifacts"));
    Path fresh;
    Path old;
    try (StoreServices first = StoreServices.open(config)) {
      Path tmp = first.artifacts().root().resolve("tmp");
      fresh = Files.writeString(tmp.resolve("put-1.part"), "another server");
      old = Files.writeString(tmp.resolve("put-2.part"), "dead long ago");
      Files.setLastModifiedTime(
          old,
          FileTime.from(
              Instant.now().minus(StoreServices.SHARED_UPLOAD_RETENTION).minusSeconds(60)));
    }
    try (StoreServices restarted = StoreServices.open(config)) {
      assertThat(restarted.artifacts().root()).isEqualTo(elsewhere.resolve("artifacts"));
      assertThat(fresh).exists();
      assertThat(old).doesNotExist();
    }
  }

  @Test
  void aDataDirServesOneStoreAtATime() {
    TendConfig config = config(dataDir.resolve("artifacts"));
    try (StoreServices first = StoreServices.open(config)) {
      assertThat(first.workDir()).isEqualTo(dataDir.resolve("work"));
      assertThatThrownBy(() -> StoreServices.open(config))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("in use by another Tend server")
          .hasMessageContaining(dataDir.resolve(DataDirLock.FILE_NAME).toString());
    }
    try (StoreServices again = StoreServices.open(config)) {
      assertThat(again.workDir()).isEqualTo(dataDir.resolve("work"));
    }
  }

  private static DatasetVersion commit(StoreServices store, String datasetId) {
    PendingVersion pending = store.datasets().reserveVersion(datasetId, "push", "root");
    return store.datasets().commitVersion(pending.id(), VersionStatus.ACCEPTED, content(), "root");
  }

  /* Reserves a version the way a push does: names the folder after the version's id first. */
  private static PendingVersion reserve(StoreServices store, PushFolder folder, String datasetId)
      throws IOException {
    String versionId = Ids.next();
    folder.recordVersionId(versionId);
    return store.datasets().reserveVersion(versionId, datasetId, "push", "root");
  }

  /* The versions abandoned by the start-up cleanup, by the audit log. */
  private List<String> abandonedAtStart() throws SQLException {
    try (Connection connection = DriverManager.getConnection(db.url());
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT target FROM audit_events WHERE actor = ? AND action = ? ORDER BY target")) {
      statement.setString(1, PushFolder.ACTOR);
      statement.setString(2, "dataset.version.abandon");
      List<String> targets = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          targets.add(rows.getString(1));
        }
      }
      return targets;
    }
  }

  private long pendingCount() throws SQLException {
    try (Connection connection = DriverManager.getConnection(db.url());
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM dataset_versions WHERE status = 'pending'")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
