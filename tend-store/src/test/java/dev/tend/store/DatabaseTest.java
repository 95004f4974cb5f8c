package dev.tend.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class DatabaseTest {
  @Parameter Engine engine;
  TestDatabase db;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void migratesAnEmptyDatabaseAndReopensWithoutChange() {
    assertThat(db.database().schemaVersion()).isEqualTo("13");
    assertThat(db.database().dialect().name()).isEqualTo(engine.name());
    for (String table :
        List.of(
            "users",
            "api_tokens",
            "projects",
            "project_roles",
            "datasets",
            "dataset_versions",
            "version_files",
            "dataset_aliases",
            "alias_history",
            "version_usages",
            "audit_events",
            "idempotency_keys",
            "pipelines",
            "pipeline_definitions",
            "pipeline_runs",
            "pipeline_steps",
            "pipeline_logs",
            "pipeline_trigger_cursors",
            "deployments",
            "deployment_revisions",
            "alert_rules",
            "alert_series",
            "alerts",
            "incidents",
            "incident_events",
            "automation_policies",
            "automation_actions",
            "automation_audit")) {
      assertThat(db.count(table)).as(table).isZero();
    }
    db.database()
        .write(
            h ->
                h.execute(
                    "INSERT INTO projects VALUES ('01J00000000000000000000000', 'p', '', 1, 'x')"));

    Database reopened = db.reopen();

    assertThat(reopened.schemaVersion()).isEqualTo("13");
    assertThat(db.count("projects")).isEqualTo(1);
    assertThat(db.count("tend_schema_history")).isEqualTo(13);
  }

  @Test
  void refusesADatabaseWrittenByANewerTend() {
    db.database()
        .write(
            h ->
                h.execute(
                    "INSERT INTO tend_schema_history (installed_rank, version, description, type,"
                        + " script, checksum, installed_by, installed_on, execution_time, success)"
                        + " VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0,"
                        + " 'test', CURRENT_TIMESTAMP, 1, TRUE)"));

    assertThatThrownBy(db::reopen)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 99, newer than this Tend knows (up to ");
  }

  @Test
  void uniqueViolationBecomesConflictException() {
    String insert = "INSERT INTO projects VALUES ('01J00000000000000000000000', 'p', '', 1, 'x')";
    db.database().write(h -> h.execute(insert));

    assertThatThrownBy(() -> db.database().write(h -> h.execute(insert)))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void foreignKeysAreEnforced() {
    assertThatThrownBy(
            () ->
                db.database()
                    .write(
                        h ->
                            h.execute(
                                "INSERT INTO datasets (id, project_id, name, created_at,"
                                    + " created_by) VALUES ('a', 'no-such-project', 'd', 1, 'x')")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("missing row");
  }

  @Test
  void sqliteRunsInWalMode() {
    assumeTrue(engine == Engine.SQLITE);
    assertThat(
            db.database()
                .<String>read(h -> h.createQuery("PRAGMA journal_mode").mapTo(String.class).one()))
        .isEqualTo("wal");
    assertThat(
            db.database()
                .<Long>read(h -> h.createQuery("PRAGMA busy_timeout").mapTo(Long.class).one()))
        .isPositive();
  }
}
