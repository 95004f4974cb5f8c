package dev.tend.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.artifacts.LocalArtifactStore;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Environment;
import dev.tend.deployments.Traffic;
import dev.tend.feedback.FeedbackRepository.Result;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.NewModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.store.ConflictException;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class FeedbackRepositoryTest {
  static final Instant PREDICTED = Instant.parse("2025-12-20T10:00:00Z");

  @Parameter Engine engine;
  TestDatabase db;
  FeedbackRepository feedback;
  Project shop;
  Project other;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    feedback = FeedbackRepository.of(db.database());
    ProjectRepository projects = ProjectRepository.of(db.database());
    shop = projects.create("shop", "", "alice");
    other = projects.create("other", "", "alice");
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  NewFeedback item(String id, String name, String value, Instant at, boolean replace) {
    OptionalDouble number =
        value.matches("-?[0-9.]+")
            ? OptionalDouble.of(Double.parseDouble(value))
            : OptionalDouble.empty();
    return new NewFeedback(id, name, value, number, Optional.of(at), "churn", shop.id(), replace);
  }

  long audited(String action) {
    return db.database()
        .read(
            h ->
                h.createQuery("SELECT COUNT(*) FROM audit_events WHERE action = :a")
                    .bind("a", action)
                    .mapTo(Long.class)
                    .one());
  }

  @Test
  void aLabelDaysLateAndOutcomesKeepTheirOwnTimes() {
    Instant labelled = PREDICTED.plus(Duration.ofDays(9));
    Instant converted = PREDICTED.plus(Duration.ofHours(3));
    assertThat(
            feedback.record(
                List.of(
                    item("p1", "label", "\"churned\"", labelled, false),
                    item("p1", "conversion", "true", converted, false),
                    item("p1", "revenue", "12.5", converted, false)),
                "app"))
        .containsExactly(Result.CREATED, Result.CREATED, Result.CREATED);

    List<Feedback> stored = feedback.forPredictions(Set.of("p1", "p2")).get("p1");
    assertThat(stored).extracting(Feedback::name).containsExactly("conversion", "label", "revenue");
    Feedback label = stored.get(1);
    assertThat(label.kind()).isEqualTo(FeedbackKind.LABEL);
    assertThat(label.value()).isEqualTo("\"churned\"");
    assertThat(label.number()).isEmpty();
    assertThat(label.occurredAt()).isEqualTo(labelled);
    assertThat(label.receivedAt()).isEqualTo(db.database().now());
    assertThat(label.receivedBy()).isEqualTo("app");
    assertThat(label.projectId()).isEqualTo(shop.id());
    assertThat(stored.get(0).kind()).isEqualTo(FeedbackKind.OUTCOME);
    assertThat(stored.get(0).occurredAt()).isEqualTo(converted);
    assertThat(stored.get(2).number()).hasValue(12.5);
    assertThat(feedback.forPredictions(Set.of("p2"))).isEmpty();
  }

  @Test
  void reSendingTheSameValueChangesNothing() {
    NewFeedback label = item("p1", "label", "1", PREDICTED, false);
    feedback.record(List.of(label), "app");
    Instant first = feedback.forPredictions(Set.of("p1")).get("p1").getFirst().receivedAt();
    db.clock().advance(Duration.ofMinutes(5));

    assertThat(feedback.record(List.of(label, label), "app"))
        .containsExactly(Result.UNCHANGED, Result.UNCHANGED);
    Feedback stored = feedback.forPredictions(Set.of("p1")).get("p1").getFirst();
    assertThat(stored.receivedAt()).isEqualTo(first);
    assertThat(stored.corrections()).isZero();
  }

  @Test
  void aValueSentWithoutATimeTakesTheTimeItIsStoredAndMatchesAnyTimeLater() {
    NewFeedback untimed =
        new NewFeedback(
            "p1", "label", "1", OptionalDouble.of(1), Optional.empty(), "churn", shop.id(), false);
    feedback.record(List.of(untimed), "app");
    Instant stored = db.database().now();
    db.clock().advance(Duration.ofMinutes(5));

    assertThat(feedback.record(List.of(untimed), "app")).containsExactly(Result.UNCHANGED);
    assertThat(feedback.record(List.of(item("p1", "label", "1", stored, false)), "app"))
        .containsExactly(Result.UNCHANGED);
    assertThat(feedback.forPredictions(Set.of("p1")).get("p1").getFirst().occurredAt())
        .isEqualTo(stored);
  }

  @Test
  void aDifferentValueIsRefusedUnlessItReplaces() {
    feedback.record(List.of(item("p1", "label", "1", PREDICTED, false)), "app");

    assertThatThrownBy(
            () ->
                feedback.record(
                    List.of(
                        item("p2", "label", "0", PREDICTED, false),
                        item("p1", "label", "0", PREDICTED, false)),
                    "app"))
        .isInstanceOfSatisfying(
            FeedbackConflictException.class, e -> assertThat(e.index()).isEqualTo(1))
        .hasMessageContaining("prediction 'p1' has label 1")
        .hasMessageContaining("\"replace\": true");
    assertThatThrownBy(
            () ->
                feedback.record(
                    List.of(item("p1", "label", "1", PREDICTED.plusSeconds(1), false)), "app"))
        .isInstanceOf(FeedbackConflictException.class);
    assertThat(feedback.forPredictions(Set.of("p2"))).isEmpty();

    Instant corrected = PREDICTED.plus(Duration.ofDays(2));
    db.clock().advance(Duration.ofHours(1));
    assertThat(feedback.record(List.of(item("p1", "label", "0", corrected, true)), "reviewer"))
        .containsExactly(Result.REPLACED);
    Feedback stored = feedback.forPredictions(Set.of("p1")).get("p1").getFirst();
    assertThat(stored.value()).isEqualTo("0");
    assertThat(stored.number()).hasValue(0.0);
    assertThat(stored.occurredAt()).isEqualTo(corrected);
    assertThat(stored.receivedBy()).isEqualTo("reviewer");
    assertThat(stored.corrections()).isEqualTo(1);
    assertThat(audited("feedback.replace")).isEqualTo(1);
    // Replacing with what is stored is no correction.
    assertThat(feedback.record(List.of(item("p1", "label", "0", corrected, true)), "reviewer"))
        .containsExactly(Result.UNCHANGED);
  }

  @Test
  void aBatchWithOneConflictingItemStoresNothing() {
    feedback.record(List.of(item("p4", "label", "1", PREDICTED, false)), "app");
    List<NewFeedback> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add(item("p" + i, "label", i == 4 ? "0" : "1", PREDICTED, false));
    }
    assertThatThrownBy(() -> feedback.record(batch, "app"))
        .isInstanceOfSatisfying(
            FeedbackConflictException.class, e -> assertThat(e.index()).isEqualTo(4));
    assertThat(feedback.forPredictions(Set.of("p0", "p1", "p2", "p3", "p5", "p9"))).isEmpty();
  }

  @Test
  void itemsOfOneBatchAreAppliedInOrder() {
    assertThat(
            feedback.record(
                List.of(
                    item("p1", "label", "1", PREDICTED, false),
                    item("p1", "label", "0", PREDICTED, true),
                    item("p1", "label", "0", PREDICTED, false)),
                "app"))
        .containsExactly(Result.CREATED, Result.REPLACED, Result.UNCHANGED);
    Feedback stored = feedback.forPredictions(Set.of("p1")).get("p1").getFirst();
    assertThat(stored.value()).isEqualTo("0");
    assertThat(stored.corrections()).isEqualTo(1);
    assertThatThrownBy(
            () ->
                feedback.record(
                    List.of(
                        item("p2", "label", "1", PREDICTED, false),
                        item("p2", "label", "0", PREDICTED, false)),
                    "app"))
        .isInstanceOf(FeedbackConflictException.class);
  }

  @Test
  void lookingUpMoreIdsThanOneQueryHolds() {
    List<NewFeedback> batch = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      ids.add("p" + i);
      if (i % 2 == 0) {
        batch.add(item("p" + i, "revenue", Integer.toString(i), PREDICTED, false));
      }
    }
    feedback.record(batch, "app");
    assertThat(feedback.forPredictions(ids)).hasSize(600).containsKey("p1198");
    assertThat(feedback.forPredictions(ids).get("p1198").getFirst().number()).hasValue(1198);
  }

  @Test
  void namesAndBatchSizesAreChecked() {
    assertThatThrownBy(() -> item("p1", "Revenue!", "1", PREDICTED, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feedback name");
    assertThatThrownBy(() -> feedback.record(List.of(), "app"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aServedDeploymentsNameBelongsToItsProject(@TempDir Path artifacts) {
    RegistryRepository registry =
        RegistryRepository.of(db.database(), LocalArtifactStore.open(artifacts));
    RegisteredModel model =
        registry.createModel(shop.id(), "churn", Optional.empty(), List.of(), "alice");
    ModelVersion version =
        registry.createVersion(
            model.id(),
            new NewModelVersion(
                "s3://models/churn",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of()),
            "alice");
    DeploymentRepository.of(db.database())
        .create(
            shop.id(), "churn-prod", Environment.PROD, Traffic.stable(version.id()), "", "alice");

    assertThat(feedback.projectOfDeployment("churn-prod")).hasValue(shop.id());
    feedback.claimDeployment(shop.id(), "churn-prod", "app");
    assertThatThrownBy(() -> feedback.claimDeployment(other.id(), "churn-prod", "bob"))
        .isInstanceOf(ConflictException.class);
    assertThat(audited("deployment.claim-external")).isZero();
  }

  @Test
  void externalDeploymentNamesBelongToTheFirstProject() {
    assertThat(feedback.projectOfDeployment("churn")).isEmpty();
    feedback.claimDeployment(shop.id(), "churn", "app");
    feedback.claimDeployment(shop.id(), "churn", "app");
    assertThat(feedback.projectOfDeployment("churn")).hasValue(shop.id());
    assertThatThrownBy(() -> feedback.claimDeployment(other.id(), "churn", "bob"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("belongs to another project");
    assertThat(audited("deployment.claim-external")).isEqualTo(1);
  }
}
