package dev.tend.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.ConflictException;
import dev.tend.store.Engine;
import dev.tend.store.NotFoundException;
import dev.tend.store.TestDatabase;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class AccessRepositoryTest {
  @Parameter Engine engine;
  TestDatabase db;
  AccessRepository access;
  Project project;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    access = AccessRepository.of(db.database());
    project = ProjectRepository.of(db.database()).create("flights", "", "root");
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void storesOnlyTheHashOfATokensSecret() {
    Principal alice = access.createPrincipal("alice", false, "root");
    IssuedToken token = access.createToken(alice.id(), "laptop", "root");

    assertThat(token.plainText()).startsWith("tend_" + token.tokenId() + "_");
    String secret = token.plainText().substring(("tend_" + token.tokenId() + "_").length());
    List<Map<String, Object>> rows =
        db.database().read(h -> h.createQuery("SELECT * FROM api_tokens").mapToMap().list());
    assertThat(rows).hasSize(1);
    for (Object value : rows.get(0).values()) {
      assertThat(String.valueOf(value)).doesNotContain(secret).doesNotContain(token.plainText());
    }
    String expected =
        HexFormat.of()
            .formatHex(JdbiAccessRepository.sha256(Base64.getUrlDecoder().decode(secret)));
    assertThat(rows.get(0).get("secret_sha256")).isEqualTo(expected);
    assertThat(token.toString()).doesNotContain(secret);
  }

  @Test
  void verifiesTokensAndRefusesWrongOrRevokedOnes() {
    Principal alice = access.createPrincipal("alice", false, "root");
    IssuedToken token = access.createToken(alice.id(), "ci", "root");

    assertThat(access.verify(token.plainText())).contains(alice);
    String text = token.plainText();
    char last = text.charAt(text.length() - 2);
    String tampered =
        text.substring(0, text.length() - 2)
            + (last == 'A' ? 'B' : 'A')
            + text.charAt(text.length() - 1);
    assertThat(access.verify(tampered)).isEmpty();
    assertThat(access.verify("tend_nope")).isEmpty();
    assertThat(access.verify("")).isEmpty();
    assertThat(access.verify(text.replace(token.tokenId(), "01J00000000000000000000000")))
        .isEmpty();

    access.revokeToken(token.tokenId(), "root");
    access.revokeToken(token.tokenId(), "root");

    assertThat(access.verify(text)).isEmpty();
    assertThatThrownBy(() -> access.revokeToken("01J00000000000000000000000", "root"))
        .isInstanceOf(NotFoundException.class);
    assertThat(db.count("audit_events"))
        .as("project, principal, token create, one revoke")
        .isEqualTo(4);
  }

  @Test
  void duplicatePrincipalIsAConflict() {
    access.createPrincipal("alice", false, "root");
    assertThatThrownBy(() -> access.createPrincipal("alice", true, "root"))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void rolesIncludeTheOnesBelowThem() {
    Authorization authorization = new Authorization(access);
    Principal viewer = access.createPrincipal("vera", false, "root");
    Principal editor = access.createPrincipal("ed", false, "root");
    Principal maintainer = access.createPrincipal("mia", false, "root");
    Principal admin = access.createPrincipal("ada", false, "root");
    Principal stranger = access.createPrincipal("sam", false, "root");
    Principal root = access.createPrincipal("root", true, "root");
    access.grant(project.id(), viewer.id(), Role.VIEWER, "root");
    access.grant(project.id(), editor.id(), Role.VIEWER, "root");
    access.grant(project.id(), editor.id(), Role.EDITOR, "root");
    access.grant(project.id(), maintainer.id(), Role.MAINTAINER, "root");
    access.grant(project.id(), admin.id(), Role.ADMIN, "root");

    assertThat(access.roleOf(editor.id(), project.id())).contains(Role.EDITOR);
    Map<Principal, List<Action>> allowed =
        Map.of(
            viewer, List.of(Action.READ),
            editor, List.of(Action.READ, Action.WRITE),
            maintainer, List.of(Action.READ, Action.WRITE, Action.MAINTAIN),
            admin, List.of(Action.values()),
            root, List.of(Action.values()),
            stranger, List.of());
    allowed.forEach(
        (principal, actions) -> {
          for (Action action : Action.values()) {
            assertThat(authorization.can(principal, project.id(), action))
                .as(principal.name() + " " + action)
                .isEqualTo(actions.contains(action));
          }
        });

    access.revokeRole(project.id(), editor.id(), "root");
    assertThat(authorization.can(editor, project.id(), Action.READ)).isFalse();
    assertThatThrownBy(() -> access.grant(project.id(), "no-such-user", Role.VIEWER, "root"))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void bootstrapCreatesTheFirstAdminOnce() {
    Optional<IssuedToken> first = access.ensureBootstrapAdmin(Optional.empty());

    assertThat(first).isPresent();
    assertThat(first.get().principal().globalAdmin()).isTrue();
    assertThat(access.verify(first.get().plainText())).contains(first.get().principal());
    assertThat(access.ensureBootstrapAdmin(Optional.empty())).isEmpty();
    assertThat(db.count("users")).isEqualTo(1);
  }

  @Test
  void bootstrapUsesTheTokenGivenByTheEnvironment() {
    String given =
        "tend_01JABCDEFGHJKMNPQRSTVWXYZ0_"
            + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

    assertThatThrownBy(() -> access.ensureBootstrapAdmin(Optional.of("tend_short")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrap token must look like");
    Optional<IssuedToken> issued = access.ensureBootstrapAdmin(Optional.of(given));

    assertThat(issued.map(IssuedToken::plainText)).contains(given);
    assertThat(access.verify(given).map(Principal::globalAdmin)).contains(true);
    assertThat(access.ensureBootstrapAdmin(Optional.of(given))).isEmpty();
  }
}
