package dev.tend.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.artifacts.LocalArtifactStore;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.Engine;
import dev.tend.store.NotFoundException;
import dev.tend.store.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class RunArtifactsTest {
  @Parameter Engine engine;
  @TempDir Path artifactsDir;
  TestDatabase db;
  RunArtifacts artifacts;
  TrackingRepository tracking;
  String runId;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    tracking = TrackingRepository.of(db.database());
    artifacts = RunArtifacts.of(db.database(), LocalArtifactStore.open(artifactsDir));
    String project = ProjectRepository.of(db.database()).create("p", "", "a").id();
    Experiment experiment =
        tracking.createExperiment(project, "e", Optional.empty(), List.of(), "a");
    runId =
        tracking
            .createRun(
                new NewRun(
                    experiment.id(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    List.of()))
            .runId();
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void filesAreStoredByContentListedByFolderReadAndReplaced() throws IOException {
    ManifestEntry model = put("model/model.xgb", "weights");
    put("model/MLmodel", "flavors: {}");
    put("model/sub/extra.txt", "x");
    put("readme.md", "hello");

    assertThat(model.size()).isEqualTo(7);
    assertThat(artifacts.list(runId, Optional.empty()))
        .extracting(f -> f.path() + (f.isDir() ? "/" : ":" + f.size().getAsLong()))
        .containsExactly("model/", "readme.md:5");
    assertThat(artifacts.list(runId, Optional.of("model")))
        .extracting(f -> f.path() + (f.isDir() ? "/" : ":" + f.size().getAsLong()))
        .containsExactly("model/MLmodel:11", "model/model.xgb:7", "model/sub/");
    assertThat(read("readme.md")).isEqualTo("hello");

    put("readme.md", "bye");
    assertThat(read("readme.md")).isEqualTo("bye");
    assertThat(artifacts.files(runId)).hasSize(4);
    assertThat(artifacts.delete(runId, "model")).isEqualTo(3);
    assertThat(artifacts.files(runId)).extracting(ManifestEntry::path).containsExactly("readme.md");
    assertThatThrownBy(() -> artifacts.delete(runId, "model"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void pathsThatLeaveTheRunOrClashWithFilesAreRefusedAndRecordNothing() {
    put("a/b.txt", "1");
    for (String bad : List.of("../x", "/etc/passwd", "a/../../x", "a\u0000b", "a//b", "c\\d")) {
      assertThatThrownBy(() -> put(bad, "x")).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> put("a", "x")).hasMessageContaining("already a folder");
    assertThatThrownBy(() -> put("a/b.txt/c", "x")).hasMessageContaining("already a file");
    assertThatThrownBy(() -> artifacts.list(runId, Optional.of("../..")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(artifacts.files(runId)).extracting(ManifestEntry::path).containsExactly("a/b.txt");

    tracking.deleteRun(runId, "a");
    assertThatThrownBy(() -> put("c.txt", "x")).hasMessageContaining("'active' state");
    assertThatThrownBy(() -> artifacts.list("0123456789abcdef0123456789abcdef", Optional.empty()))
        .isInstanceOf(NotFoundException.class);
  }

  private ManifestEntry put(String path, String content) {
    return artifacts.put(
        runId, path, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
  }

  private String read(String path) throws IOException {
    try (InputStream in = artifacts.open(artifacts.file(runId, path).orElseThrow())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
