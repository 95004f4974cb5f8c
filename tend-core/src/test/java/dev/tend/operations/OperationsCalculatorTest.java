package dev.tend.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The figures of a hand-made history whose every value was worked out by hand (the comments give
 * the arithmetic), and the edge cases: nothing at all, buckets clipped to the period, events on the
 * period's bounds.
 */
class OperationsCalculatorTest {
  static final Instant FROM = Instant.parse("2026-11-02T00:00:00Z"); // a Monday
  static final Instant TO = Instant.parse("2026-11-05T00:00:00Z");

  static Instant at(String text) {
    return Instant.parse(text);
  }

  static RevisionEvent revision(
      String deployment, String env, int number, String at, String actor, String stable) {
    return new RevisionEvent(
        deployment, env, number, at(at), actor, stable, Optional.empty(), Optional.empty());
  }

  static RevisionEvent rollout(
      String deployment,
      String env,
      int number,
      String at,
      String actor,
      String stable,
      String candidate) {
    return new RevisionEvent(
        deployment, env, number, at(at), actor, stable, Optional.of(candidate), Optional.empty());
  }

  static ModelLineage model(String id, int version, String pushedAt) {
    return new ModelLineage(
        id, "delays", version, Optional.of(new DataPush("flights", version, at(pushedAt))));
  }

  /*
   * Deployment a (prod) serves v1 since before the period; a manual canary of v2 is rolled back
   * by the controller, an automated canary of v3 is promoted, then bob re-points a to v1 (a
   * revert). Deployment b (dev) is created with v2, then moved to v4 by a deploy step of a run a
   * trigger queued.
   */
  static OperationsEvents history() {
    List<RevisionEvent> revisions =
        List.of(
            revision("a", "prod", 1, "2026-10-30T00:00:00Z", "alice", "v1"),
            rollout("a", "prod", 2, "2026-11-02T10:00:00Z", "alice", "v1", "v2"),
            revision("a", "prod", 3, "2026-11-02T12:00:00Z", "tend:rollout-controller", "v1"),
            rollout("a", "prod", 4, "2026-11-03T09:00:00Z", "automation:retrain", "v1", "v3"),
            revision("a", "prod", 5, "2026-11-03T10:00:00Z", "tend:rollout-controller", "v3"),
            revision("a", "prod", 6, "2026-11-04T08:00:00Z", "bob", "v1"),
            revision("b", "dev", 1, "2026-11-02T06:00:00Z", "alice", "v2"),
            new RevisionEvent(
                "b",
                "dev",
                2,
                at("2026-11-04T09:00:00Z"),
                "carol",
                "v4",
                Optional.empty(),
                Optional.of("trigger")));
    Map<String, ModelLineage> models =
        Map.of(
            "v1", model("v1", 1, "2026-10-29T00:00:00Z"),
            "v2", model("v2", 2, "2026-11-01T06:00:00Z"),
            "v3", model("v3", 3, "2026-11-03T06:00:00Z"),
            "v4", new ModelLineage("v4", "delays", 4, Optional.empty()));
    List<IncidentSpan> incidents =
        List.of(
            new IncidentSpan(
                "i1",
                "a",
                "critical",
                at("2026-11-02T13:00:00Z"),
                Optional.of(at("2026-11-02T12:30:00Z")),
                Optional.of(at("2026-11-02T15:00:00Z"))),
            new IncidentSpan(
                "i2",
                "b",
                "warning",
                at("2026-11-04T10:00:00Z"),
                Optional.of(at("2026-11-04T09:00:00Z")),
                Optional.empty()),
            new IncidentSpan(
                "i0",
                "a",
                "warning",
                at("2026-11-01T10:00:00Z"),
                Optional.of(at("2026-11-01T09:00:00Z")),
                Optional.of(at("2026-11-01T11:00:00Z"))));
    List<ActionEvent> actions =
        List.of(
            new ActionEvent("pipeline-run", at("2026-11-03T05:00:00Z"), "trigger"),
            new ActionEvent("approve", at("2026-11-04T23:59:59Z"), "alice"),
            new ActionEvent("pipeline-run", TO, "automation:retrain"));
    return new OperationsEvents(revisions, models, incidents, actions);
  }

  @Test
  void totalsOfTheHandMadeHistory() {
    OperationsFigures figures =
        OperationsCalculator.compute(new Period(FROM, TO, Bucket.DAY), history());
    Figures t = figures.totals();
    // b r1, a r5 (promote), a r6 (revert), b r2; a r1 is before the period.
    assertThat(t.deployments()).isEqualTo(4);
    assertThat(t.deploymentsByEnvironment())
        .containsExactly(Map.entry("dev", 2), Map.entry("prod", 2));
    assertThat(t.deploymentsPerDay()).isCloseTo(4 / 3.0, within(1e-12));
    assertThat(t.rolledBackRollouts()).isEqualTo(1);
    assertThat(t.reverts()).isEqualTo(1);
    // 4 deployments + 1 rolled-back rollout; failures 1 + 1.
    assertThat(t.changeAttempts()).isEqualTo(5);
    assertThat(t.changeFailureRate()).hasValue(0.4);
    // b r1: 11-01T06 -> 11-02T06 = 86400 s; a r5: 11-03T06 -> 11-03T10 = 14400 s; a r6 is a
    // revert and v4 has no dataset: median (14400 + 86400) / 2, p90 14400 + 0.9 * 72000.
    assertThat(t.leadTime()).isEqualTo(summary(2, 50_400, 79_200));
    // i1: 1800 s to detect, 9000 s to recover; i2: 3600 s to detect, open; i0 before the period.
    assertThat(t.incidents()).isEqualTo(2);
    assertThat(t.resolvedIncidents()).isEqualTo(1);
    assertThat(t.timeToDetect()).isEqualTo(summary(2, 2_700, 3_420));
    assertThat(t.timeToRecover()).isEqualTo(summary(1, 9_000, 9_000));
    // automated: a r3, a r4, a r5, b r2 (on behalf of a trigger), the trigger's run; manual: a r2,
    // a r6, b r1, the approval. The run queued at the period's end is outside it.
    assertThat(t.actions()).isEqualTo(new ActionCount(5, 4));
    assertThat(t.actionsByKind())
        .containsExactly(
            Map.entry("approve", new ActionCount(0, 1)),
            Map.entry("deploy", new ActionCount(1, 2)),
            Map.entry("pipeline-run", new ActionCount(1, 0)),
            Map.entry("promote", new ActionCount(1, 0)),
            Map.entry("rollback", new ActionCount(1, 0)),
            Map.entry("rollout", new ActionCount(1, 1)));
  }

  @Test
  void eachDeploymentIsListedWithItsDataAndLeadTime() {
    List<Change> changes =
        OperationsCalculator.compute(new Period(FROM, TO, Bucket.DAY), history()).changes();
    assertThat(changes)
        .extracting(c -> c.deployment() + " r" + c.revision() + " " + c.kind())
        .containsExactly("b r1 deploy", "a r5 promote", "a r6 deploy", "b r2 deploy");
    Change first = changes.get(0);
    assertThat(first.previousVersionId()).isEmpty();
    assertThat(first.model().orElseThrow().data().orElseThrow().version()).isEqualTo(2);
    assertThat(first.leadTimeSeconds()).hasValue(86_400);
    assertThat(first.automated()).isFalse();
    Change promote = changes.get(1);
    assertThat(promote.previousVersionId()).hasValue("v1");
    assertThat(promote.actor()).isEqualTo("tend:rollout-controller");
    assertThat(promote.automated()).isTrue();
    assertThat(promote.leadTimeSeconds()).hasValue(14_400);
    Change revert = changes.get(2);
    assertThat(revert.revert()).isTrue();
    assertThat(revert.previousVersionId()).hasValue("v3");
    assertThat(revert.leadTimeSeconds()).isEmpty();
    Change noData = changes.get(3);
    assertThat(noData.revert()).isFalse();
    assertThat(noData.automated()).isTrue();
    assertThat(noData.leadTimeSeconds()).isEmpty();
  }

  @Test
  void bucketsSplitTheSameFiguresByUtcDay() {
    List<BucketFigures> buckets =
        OperationsCalculator.compute(new Period(FROM, TO, Bucket.DAY), history()).buckets();
    assertThat(buckets)
        .extracting(BucketFigures::start)
        .containsExactly(FROM, at("2026-11-03T00:00:00Z"), at("2026-11-04T00:00:00Z"));
    Figures monday = buckets.get(0).figures();
    assertThat(monday.deployments()).isEqualTo(1);
    assertThat(monday.deploymentsPerDay()).isEqualTo(1.0);
    assertThat(monday.rolledBackRollouts()).isEqualTo(1);
    assertThat(monday.changeFailureRate()).hasValue(0.5);
    assertThat(monday.leadTime()).isEqualTo(summary(1, 86_400, 86_400));
    assertThat(monday.incidents()).isEqualTo(1);
    assertThat(monday.actions()).isEqualTo(new ActionCount(1, 2));
    Figures tuesday = buckets.get(1).figures();
    assertThat(tuesday.deployments()).isEqualTo(1);
    assertThat(tuesday.changeFailureRate()).hasValue(0.0);
    assertThat(tuesday.incidents()).isZero();
    assertThat(tuesday.timeToDetect()).isEqualTo(Summary.EMPTY);
    assertThat(tuesday.actions()).isEqualTo(new ActionCount(3, 0));
    Figures wednesday = buckets.get(2).figures();
    assertThat(wednesday.deployments()).isEqualTo(2);
    assertThat(wednesday.reverts()).isEqualTo(1);
    assertThat(wednesday.changeFailureRate()).hasValue(0.5);
    assertThat(wednesday.leadTime()).isEqualTo(Summary.EMPTY);
    assertThat(wednesday.resolvedIncidents()).isZero();
    assertThat(wednesday.timeToDetect()).isEqualTo(summary(1, 3_600, 3_600));
    assertThat(wednesday.timeToRecover()).isEqualTo(Summary.EMPTY);
    assertThat(wednesday.actions()).isEqualTo(new ActionCount(1, 2));
  }

  @Test
  void nothingHappenedGivesZerosAndNoRates() {
    OperationsFigures figures =
        OperationsCalculator.compute(
            new Period(FROM, TO, Bucket.WEEK),
            new OperationsEvents(List.of(), Map.of(), List.of(), List.of()));
    for (Figures f : List.of(figures.totals(), figures.buckets().get(0).figures())) {
      assertThat(f.deployments()).isZero();
      assertThat(f.deploymentsPerDay()).isZero();
      assertThat(f.changeAttempts()).isZero();
      assertThat(f.changeFailureRate()).isEmpty();
      assertThat(f.leadTime()).isEqualTo(Summary.EMPTY);
      assertThat(f.timeToDetect()).isEqualTo(Summary.EMPTY);
      assertThat(f.actions()).isEqualTo(ActionCount.NONE);
      assertThat(f.actionsByKind()).isEmpty();
    }
    assertThat(figures.changes()).isEmpty();
    assertThat(figures.incidents()).isEmpty();
  }

  @Test
  void weekBucketsStartOnMondayAndAreClippedToThePeriod() {
    // Wednesday 4 to Wednesday 18 November: part of a week, a whole week, part of a week.
    Period period = new Period(at("2026-11-04T00:00:00Z"), at("2026-11-18T00:00:00Z"), Bucket.WEEK);
    OperationsEvents events =
        new OperationsEvents(
            List.of(
                revision("a", "dev", 1, "2026-11-04T00:00:00Z", "alice", "v1"),
                revision("a", "dev", 2, "2026-11-16T00:00:00Z", "alice", "v2"),
                revision("a", "dev", 3, "2026-11-17T23:59:59.999Z", "alice", "v3"),
                revision("a", "dev", 4, "2026-11-18T00:00:00Z", "alice", "v4")),
            Map.of(),
            List.of(),
            List.of());
    OperationsFigures figures = OperationsCalculator.compute(period, events);
    assertThat(period.bucketCount()).isEqualTo(3);
    assertThat(figures.buckets())
        .extracting(b -> b.start() + "/" + b.end() + " " + b.figures().deployments())
        .containsExactly(
            "2026-11-04T00:00:00Z/2026-11-09T00:00:00Z 1",
            "2026-11-09T00:00:00Z/2026-11-16T00:00:00Z 0",
            "2026-11-16T00:00:00Z/2026-11-18T00:00:00Z 2");
    // Two deployments over the two days the last bucket covers.
    assertThat(figures.buckets().get(2).figures().deploymentsPerDay()).isEqualTo(1.0);
    assertThat(figures.totals().deployments()).isEqualTo(3);
    assertThat(figures.totals().deploymentsPerDay()).isCloseTo(3 / 14.0, within(1e-12));
  }

  @Test
  void revisionKindsFollowTheTrafficTheyChange() {
    RevisionEvent stable = revision("a", "dev", 1, "2026-11-02T00:00:00Z", "u", "v1");
    RevisionEvent canary = rollout("a", "dev", 2, "2026-11-02T00:00:00Z", "u", "v1", "v2");
    RevisionEvent wider = rollout("a", "dev", 3, "2026-11-02T00:00:00Z", "u", "v1", "v2");
    RevisionEvent promoted = revision("a", "dev", 4, "2026-11-02T00:00:00Z", "u", "v2");
    RevisionEvent other = rollout("a", "dev", 3, "2026-11-02T00:00:00Z", "u", "v1", "v3");
    RevisionEvent repointed = revision("a", "dev", 3, "2026-11-02T00:00:00Z", "u", "v3");
    assertThat(OperationsCalculator.kind(Optional.empty(), stable)).isEqualTo("deploy");
    assertThat(OperationsCalculator.kind(Optional.of(stable), canary)).isEqualTo("rollout");
    assertThat(OperationsCalculator.kind(Optional.of(canary), wider)).isEqualTo("traffic");
    assertThat(OperationsCalculator.kind(Optional.of(canary), other)).isEqualTo("rollout");
    assertThat(OperationsCalculator.kind(Optional.of(wider), promoted)).isEqualTo("promote");
    assertThat(OperationsCalculator.kind(Optional.of(canary), stable)).isEqualTo("rollback");
    // Re-pointed to another version while a canary ran: a deploy, not a promotion.
    assertThat(OperationsCalculator.kind(Optional.of(canary), repointed)).isEqualTo("deploy");
    assertThat(OperationsCalculator.kind(Optional.of(stable), stable)).isEqualTo("traffic");
  }

  @Test
  void quantilesInterpolateBetweenRanksAsNumpyDoes() {
    // numpy.percentile([1, 2, 3, 4, 10], [50, 90]) == [3.0, 7.6]
    Summary summary = Summary.of(List.of(10.0, 1.0, 4.0, 2.0, 3.0));
    assertThat(summary.count()).isEqualTo(5);
    assertThat(summary.median()).hasValue(3.0);
    assertThat(summary.p90().orElseThrow()).isCloseTo(7.6, within(1e-12));
    assertThat(Summary.of(List.of())).isEqualTo(Summary.EMPTY);
    assertThatThrownBy(() -> Summary.of(List.of(Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void automationAndTheServersOwnLoopsAreAutomated() {
    assertThat(Actors.automated("automation:retrain-flight-delays")).isTrue();
    assertThat(Actors.automated("tend:rollout-controller")).isTrue();
    assertThat(Actors.automated("trigger")).isTrue();
    assertThat(Actors.automated("automation")).isFalse();
    assertThat(Actors.automated("alice")).isFalse();
  }

  @Test
  void badPeriodsAndBucketsAreRefused() {
    assertThatThrownBy(() -> new Period(TO, FROM, Bucket.DAY))
        .hasMessageContaining("must be before");
    assertThatThrownBy(() -> new Period(FROM, FROM, Bucket.DAY))
        .hasMessageContaining("must be before");
    assertThatThrownBy(() -> Bucket.fromWireName("month"))
        .hasMessage("bucket must be day or week, got 'month'");
    assertThat(Bucket.WEEK.floor(at("2026-11-08T23:59:59Z"))).isEqualTo(at("2026-11-02T00:00:00Z"));
  }

  static Summary summary(int count, double median, double p90) {
    return new Summary(count, OptionalDouble.of(median), OptionalDouble.of(p90));
  }
}
