package dev.tend.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.access.AccessRepository;
import dev.tend.access.Principal;
import dev.tend.access.Role;
import dev.tend.audit.AuditEvent;
import dev.tend.audit.AuditLog;
import dev.tend.store.ConflictException;
import dev.tend.store.Engine;
import dev.tend.store.Page;
import dev.tend.store.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class ProjectRepositoryTest {
  @Parameter Engine engine;
  TestDatabase db;
  ProjectRepository projects;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    projects = ProjectRepository.of(db.database());
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void createsAndFindsAProjectAndAuditsIt() {
    Project created = projects.create("flights", "delay model", "alice");

    assertThat(projects.get(created.id())).contains(created);
    assertThat(projects.findByName("flights")).contains(created);
    assertThat(projects.get("nope")).isEmpty();
    List<AuditEvent> events =
        AuditLog.of(db.database()).list(Optional.of(created.id()), Optional.empty(), 10).items();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).actor()).isEqualTo("alice");
    assertThat(events.get(0).action()).isEqualTo("project.create");
    assertThat(events.get(0).detailsJson()).isEqualTo("{\"name\":\"flights\"}");
  }

  @Test
  void refusesBadNamesWithAClearMessage() {
    assertThatThrownBy(() -> projects.create("Flights", "", "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("project name 'Flights' must use only lower-case letters");
    assertThat(db.count("projects")).isZero();
  }

  @Test
  void duplicateNameIsAConflictAndLeavesNoAuditRow() {
    projects.create("flights", "", "alice");

    assertThatThrownBy(() -> projects.create("flights", "again", "bob"))
        .isInstanceOf(ConflictException.class);

    // The audit row is written before the insert that fails: the rollback must take it too.
    assertThat(db.count("audit_events")).isEqualTo(1);
    assertThat(db.count("projects")).isEqualTo(1);
  }

  @Test
  void listsPageByPageWithAnOpaqueCursor() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      names.add(projects.create("p" + (100 + i), "", "alice").name());
    }
    List<String> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    List<Integer> sizes = new ArrayList<>();
    do {
      Page<Project> page = projects.list(cursor, 10);
      page.items().forEach(p -> seen.add(p.name()));
      sizes.add(page.items().size());
      cursor = page.nextCursor();
    } while (cursor.isPresent());

    assertThat(sizes).containsExactly(10, 10, 5);
    assertThat(seen).isEqualTo(names);
    assertThatThrownBy(() -> projects.list(Optional.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class);
    Page<AuditEvent> newest =
        AuditLog.of(db.database()).list(Optional.empty(), Optional.empty(), 20);
    assertThat(newest.items()).hasSize(20);
    assertThat(newest.items().get(0).target()).isEqualTo("project/p124");
    assertThat(AuditLog.of(db.database()).list(Optional.empty(), newest.nextCursor(), 20).items())
        .hasSize(5);
  }

  @Test
  void listsOnlyTheProjectsWhereAPrincipalHasARolePageByPage() {
    AccessRepository access = AccessRepository.of(db.database());
    Principal carol = access.createPrincipal("carol", false, "alice");
    Principal dave = access.createPrincipal("dave", false, "alice");
    List<String> granted = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Project project = projects.create("p" + i, "", "alice");
      if (i % 2 == 0) {
        access.grant(project.id(), carol.id(), i == 0 ? Role.ADMIN : Role.VIEWER, "alice");
        granted.add(project.name());
      }
    }
    List<String> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    do {
      Page<Project> page = projects.listReadableBy(carol.id(), cursor, 3);
      page.items().forEach(p -> seen.add(p.name()));
      cursor = page.nextCursor();
    } while (cursor.isPresent());

    assertThat(seen).isEqualTo(granted);
    assertThat(projects.listReadableBy(dave.id(), Optional.empty(), 10).items()).isEmpty();
  }
}
