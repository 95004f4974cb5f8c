package dev.tend.server.ui.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.deployments.DeploymentEvent;
import dev.tend.deployments.Revision;
import dev.tend.deployments.Rollout;
import dev.tend.deployments.RolloutPolicy;
import dev.tend.deployments.RolloutState;
import dev.tend.deployments.Traffic;
import dev.tend.server.deployments.WindowFigures;
import dev.tend.server.ui.Chrome;
import dev.tend.server.ui.deployments.DeploymentPages.CandidateRef;
import dev.tend.server.ui.deployments.DeploymentPages.DetailPage;
import dev.tend.server.ui.deployments.DeploymentPages.Row;
import dev.tend.server.ui.deployments.DeploymentPages.VersionFigures;
import dev.tend.server.ui.deployments.DeploymentPages.VersionRef;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The deployment page's model and template without a server: the traffic split, the buttons shown
 * only to those who may change the deployment, the reload while a rollout runs, and reasons (user
 * text) escaped.
 */
class DeploymentTemplatesTest {
  static final Instant T = Instant.parse("2026-05-01T12:00:00Z");
  static final VersionRef V1 = new VersionRef("species", 1, "id-1");
  static final VersionRef V2 = new VersionRef("species", 2, "id-2");
  static final String SCRIPT = "<script>alert('owned')</script>";

  final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  @Test
  void theTrafficSplitGivesTheStableVersionWhatTheCanaryDoesNotTake() {
    Row row = row(Optional.of(new CandidateRef(V2, "canary", 30)), 70);
    String chart = DeploymentPages.trafficChart(row);
    assertThat(chart)
        .contains("\"species v1 (stable)\"", "\"species v2 (canary)\"")
        .contains("[70.0,30.0]");
    assertThat(DeploymentPages.trafficChart(row(Optional.empty(), 100)))
        .contains("[100.0]")
        .doesNotContain("canary");
  }

  @Test
  void aRunningRolloutReloadsAndOffersPromoteAndRollBackToThoseAllowed() {
    String allowed = render(page(true, true));
    assertThat(allowed)
        .contains("data-refresh=\"5\"", "id=\"promote\"", "id=\"rollback\"", "data-confirm=")
        .contains("action=\"/projects/zoo/deployments/ui-canary/promote\"")
        .contains("name=\"_csrf\" value=\"token-1\"")
        .doesNotContain("id=\"start-rollout\"");
    String readOnly = render(page(true, false));
    assertThat(readOnly)
        .doesNotContain(
            "id=\"promote\"",
            "id=\"rollback\"",
            "<form method=\"post\" action=\"/projects/zoo/deployments");
    String idle = render(page(false, true));
    assertThat(idle)
        .contains("id=\"start-rollout\"")
        .doesNotContain("data-refresh", "id=\"promote\"");
  }

  @Test
  void reasonsAreShownAsText() {
    String html = render(page(true, true));
    assertThat(html).doesNotContain(SCRIPT).contains("&lt;script&gt;alert(");
  }

  private String render(DetailPage page) {
    StringOutput out = new StringOutput();
    Chrome chrome =
        new Chrome(
            "ui-canary",
            Optional.of("zoo"),
            Optional.empty(),
            Optional.of("admin"),
            "token-1",
            List.of("zoo"),
            Optional.empty());
    engine.render("deployments/detail.jte", Map.of("chrome", chrome, "model", page), out);
    return out.toString();
  }

  private static DetailPage page(boolean running, boolean mayChange) {
    Row row =
        running
            ? row(Optional.of(new CandidateRef(V2, "canary", 30)), 70)
            : row(Optional.empty(), 100);
    Revision revision = new Revision("d-1", 2, Traffic.stable("id-1"), SCRIPT, T, "admin");
    Optional<Rollout> rollout =
        running
            ? Optional.of(
                new Rollout(
                    "d-1",
                    "ui-canary",
                    2,
                    RolloutState.IN_PROGRESS,
                    RolloutPolicy.defaults(),
                    T,
                    "admin",
                    T.plusSeconds(600),
                    3,
                    1,
                    0,
                    Optional.of(T.plusSeconds(180)),
                    Optional.of("passed")))
            : Optional.empty();
    return new DetailPage(
        "zoo",
        row,
        revision,
        rollout,
        Duration.ofMinutes(1),
        DeploymentPages.trafficChart(row),
        Optional.empty(),
        Optional.empty(),
        List.of(new DeploymentPages.RevisionRow(2, "species v1 (100%)", SCRIPT, T, "admin")),
        List.of(
            new DeploymentEvent(
                "d-1", 1, DeploymentEvent.Kind.ROLLOUT_STARTED, 2, SCRIPT, T, "admin")),
        mayChange);
  }

  private static Row row(Optional<CandidateRef> candidate, int stablePercent) {
    WindowFigures figures =
        new WindowFigures(
            T, T.plusSeconds(60), 40, 1, OptionalDouble.of(2.5), OptionalDouble.of(9.75));
    return new Row(
        "ui-canary",
        "dev",
        V1,
        stablePercent,
        candidate,
        candidate.isPresent() ? "in-progress" : "none",
        List.of(new VersionFigures("stable", V1, figures, figures)));
  }
}
