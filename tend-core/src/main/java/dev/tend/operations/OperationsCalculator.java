package dev.tend.operations;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Computes a project's {@link OperationsFigures} over a {@link Period} from its {@link
 * OperationsEvents}. Events outside the period count nowhere, except earlier revisions, which say
 * what a revision in the period changed. Stateless and thread-safe.
 */
public final class OperationsCalculator {
  /** Action kind of a deployment's first revision, or a revision setting its stable version. */
  public static final String DEPLOY = "deploy";

  /** Action kind of a revision making a rollout's candidate the stable version. */
  public static final String PROMOTE = "promote";

  /** Action kind of a revision putting a candidate next to the stable version. */
  public static final String ROLLOUT = "rollout";

  /** Action kind of a revision removing a candidate and keeping the stable version. */
  public static final String ROLLBACK = "rollback";

  /** Action kind of any other revision (a candidate's share changed, the same traffic again). */
  public static final String TRAFFIC = "traffic";

  private static final double MILLIS_PER_DAY = 86_400_000.0;

  private OperationsCalculator() {}

  /** The figures of {@code events} over {@code period}. */
  public static OperationsFigures compute(Period period, OperationsEvents events) {
    List<Instant> starts = new ArrayList<>();
    for (Instant start = period.bucket().floor(period.from());
        start.isBefore(period.to());
        start = period.bucket().next(start)) {
      starts.add(start);
    }
    Tally totals = new Tally();
    List<Tally> tallies = new ArrayList<>();
    starts.forEach(s -> tallies.add(new Tally()));
    Placer place =
        at -> {
          int index = (int) period.bucketIndex(at);
          return List.of(totals, tallies.get(index));
        };

    List<Change> changes = new ArrayList<>();
    Map<String, List<RevisionEvent>> byDeployment =
        events.revisions().stream()
            .collect(
                Collectors.groupingBy(
                    RevisionEvent::deployment,
                    TreeMap::new,
                    Collectors.toCollection(ArrayList::new)));
    for (List<RevisionEvent> revisions : byDeployment.values()) {
      revisions.sort(Comparator.comparingInt(RevisionEvent::number));
      Optional<RevisionEvent> previous = Optional.empty();
      Set<String> earlierStable = new HashSet<>();
      for (RevisionEvent revision : revisions) {
        String kind = kind(previous, revision);
        boolean stableChange = kind.equals(DEPLOY) || kind.equals(PROMOTE);
        boolean revert = stableChange && earlierStable.contains(revision.stableVersionId());
        if (period.contains(revision.at())) {
          boolean automated = revision.automated();
          Optional<ModelLineage> model =
              Optional.ofNullable(events.models().get(revision.stableVersionId()));
          OptionalDouble lead = OptionalDouble.empty();
          if (stableChange && !revert && model.isPresent() && model.get().data().isPresent()) {
            lead = OptionalDouble.of(seconds(model.get().data().get().createdAt(), revision.at()));
          }
          for (Tally tally : place.tallies(revision.at())) {
            tally.action(kind, automated);
            if (stableChange) {
              tally.deployments++;
              tally.byEnvironment.merge(revision.environment(), 1, Integer::sum);
              tally.reverts += revert ? 1 : 0;
              lead.ifPresent(tally.leadTimes::add);
            }
            tally.rolledBack += kind.equals(ROLLBACK) ? 1 : 0;
          }
          if (stableChange) {
            changes.add(
                new Change(
                    revision.deployment(),
                    revision.environment(),
                    revision.number(),
                    revision.at(),
                    revision.actor(),
                    automated,
                    kind,
                    revision.stableVersionId(),
                    previous.map(RevisionEvent::stableVersionId),
                    revert,
                    model,
                    lead));
          }
        }
        earlierStable.add(revision.stableVersionId());
        previous = Optional.of(revision);
      }
    }
    changes.sort(Comparator.comparing(Change::at).thenComparing(Change::deployment));

    List<IncidentFigure> incidents = new ArrayList<>();
    for (IncidentSpan incident : events.incidents()) {
      if (!period.contains(incident.openedAt())) {
        continue;
      }
      OptionalDouble detect =
          incident
              .onset()
              .map(o -> OptionalDouble.of(seconds(o, incident.openedAt())))
              .orElse(OptionalDouble.empty());
      OptionalDouble recover =
          incident.onset().isPresent() && incident.resolvedAt().isPresent()
              ? OptionalDouble.of(seconds(incident.onset().get(), incident.resolvedAt().get()))
              : OptionalDouble.empty();
      incidents.add(new IncidentFigure(incident, detect, recover));
      for (Tally tally : place.tallies(incident.openedAt())) {
        tally.incidents++;
        tally.resolved += incident.resolvedAt().isPresent() ? 1 : 0;
        detect.ifPresent(tally.detect::add);
        recover.ifPresent(tally.recover::add);
      }
    }
    incidents.sort(Comparator.comparing((IncidentFigure f) -> f.incident().openedAt()));

    for (ActionEvent action : events.actions()) {
      if (period.contains(action.at())) {
        for (Tally tally : place.tallies(action.at())) {
          tally.action(action.kind(), action.automated());
        }
      }
    }

    List<BucketFigures> buckets = new ArrayList<>();
    for (int i = 0; i < starts.size(); i++) {
      Instant start = max(starts.get(i), period.from());
      Instant end = min(period.bucket().next(starts.get(i)), period.to());
      buckets.add(new BucketFigures(start, end, tallies.get(i).figures(start, end)));
    }
    return new OperationsFigures(
        period, totals.figures(period.from(), period.to()), buckets, changes, incidents);
  }

  /* What a revision did, given the one before it. */
  static String kind(Optional<RevisionEvent> previous, RevisionEvent revision) {
    if (previous.isEmpty()) {
      return DEPLOY;
    }
    RevisionEvent before = previous.get();
    if (!before.stableVersionId().equals(revision.stableVersionId())) {
      return revision.candidateVersionId().isEmpty()
              && before.candidateVersionId().equals(Optional.of(revision.stableVersionId()))
          ? PROMOTE
          : DEPLOY;
    }
    if (revision.candidateVersionId().isPresent()
        && !revision.candidateVersionId().equals(before.candidateVersionId())) {
      return ROLLOUT;
    }
    if (revision.candidateVersionId().isEmpty() && before.candidateVersionId().isPresent()) {
      return ROLLBACK;
    }
    return TRAFFIC;
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /* The tallies an event at an instant in the period counts in: the totals and its bucket's. */
  @FunctionalInterface
  private interface Placer {
    List<Tally> tallies(Instant at);
  }

  /* Counts of one period while events are read. */
  private static final class Tally {
    int deployments;
    final TreeMap<String, Integer> byEnvironment = new TreeMap<>();
    int rolledBack;
    int reverts;
    final List<Double> leadTimes = new ArrayList<>();
    int incidents;
    int resolved;
    final List<Double> detect = new ArrayList<>();
    final List<Double> recover = new ArrayList<>();
    ActionCount actions = ActionCount.NONE;
    final TreeMap<String, ActionCount> byKind = new TreeMap<>();

    void action(String kind, boolean automated) {
      actions = actions.plus(automated);
      byKind.put(kind, byKind.getOrDefault(kind, ActionCount.NONE).plus(automated));
    }

    Figures figures(Instant start, Instant end) {
      int attempts = deployments + rolledBack;
      double days = Duration.between(start, end).toMillis() / MILLIS_PER_DAY;
      return new Figures(
          deployments,
          byEnvironment,
          deployments / days,
          rolledBack,
          reverts,
          attempts,
          attempts == 0
              ? OptionalDouble.empty()
              : OptionalDouble.of((rolledBack + reverts) / (double) attempts),
          Summary.of(leadTimes),
          incidents,
          resolved,
          Summary.of(detect),
          Summary.of(recover),
          actions,
          byKind);
    }
  }
}
