package dev.tend.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {
  @TempDir Path dir;
  private LocalArtifactStore store;
  private Path source;

  @BeforeEach
  void setUp() throws IOException {
    store = LocalArtifactStore.open(dir.resolve("artifacts"));
    source = dir.resolve("dataset");
    write("part-0.csv", random(3_000_000, 1));
    write("part-1.csv", random(LocalArtifactStore.BUFFER_SIZE, 2));
    write("copy/of part-0.csv", random(3_000_000, 1));
    write("meta/schema.json", "{\"v\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    write("meta/empty", new byte[0]);
    write("meta/deeper/ü.txt", random(1, 3));
  }

  @Test
  void materializeWritesBackByteIdenticalFiles() throws IOException {
    Manifest manifest = Manifests.putTree(store, source);

    assertThat(manifest.entries())
        .extracting(ManifestEntry::path)
        .containsExactly(
            "copy/of part-0.csv",
            "meta/deeper/ü.txt",
            "meta/empty",
            "meta/schema.json",
            "part-0.csv",
            "part-1.csv");
    assertThat(manifest.totalSize()).isEqualTo(6_000_000 + LocalArtifactStore.BUFFER_SIZE + 8);
    assertThat(blobCount()).isEqualTo(5); // the copy is stored once

    Path out = dir.resolve("out");
    Manifests.materialize(store, manifest, out);
    assertThat(contents(out)).isEqualTo(contents(source));

    Manifests.materialize(store, manifest, out); // idempotent: again over the same folder
    assertThat(contents(out)).isEqualTo(contents(source));
  }

  @Test
  void theSameFilesGiveTheSameIdWhereverTheyAre() throws IOException {
    Manifest first = Manifests.putTree(store, source);
    Path moved = dir.resolve("elsewhere/again");
    Manifests.materialize(store, first, moved);

    Manifest second = Manifests.putTree(LocalArtifactStore.open(dir.resolve("other")), moved);

    assertThat(second.sha256()).isEqualTo(first.sha256());
  }

  @Test
  void putFilesRecordsPathsRelativeToTheirCommonRoot() {
    Manifest manifest =
        Manifests.putFiles(
            store,
            source,
            List.of(source.resolve("meta/schema.json"), source.resolve("meta/../part-1.csv")));

    assertThat(manifest.entries())
        .extracting(ManifestEntry::path)
        .containsExactly("meta/schema.json", "part-1.csv");
    assertThatThrownBy(
            () ->
                Manifests.putFiles(
                    store, source.resolve("meta"), List.of(source.resolve("part-0.csv"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not under the root");
  }

  @Test
  void savedManifestsLoadBackUnderTheirId() {
    Manifest manifest = Manifests.putTree(store, source);

    Blob saved = Manifests.save(store, manifest);

    assertThat(saved.sha256()).isEqualTo(manifest.sha256());
    assertThat(Manifests.load(store, manifest.sha256())).isEqualTo(manifest);
    Blob notAManifest = store.put(new java.io.ByteArrayInputStream(new byte[] {1, 2}));
    assertThatThrownBy(() -> Manifests.load(store, notAManifest.sha256()))
        .isInstanceOf(ArtifactCorruptedException.class)
        .hasMessageContaining("it is not a valid manifest");
  }

  @Test
  void aCorruptedBlobIsCaughtWhileMaterializingAndLeavesNoFileBehind() throws IOException {
    Manifest manifest = Manifests.putTree(store, source);
    ManifestEntry part1 =
        manifest.entries().stream()
            .filter(e -> e.path().equals("part-1.csv"))
            .findFirst()
            .orElseThrow();
    Path blob = store.blobPath(part1.sha256());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length - 1] ^= 1;
    Files.write(blob, bytes);

    Path out = dir.resolve("out");
    assertThatThrownBy(() -> Manifests.materialize(store, manifest, out))
        .isInstanceOfSatisfying(
            ArtifactCorruptedException.class, e -> assertThat(e.sha256()).isEqualTo(part1.sha256()))
        .hasMessageContaining("writing part-1.csv read " + part1.size() + " bytes hashing to");
    assertThat(out.resolve("part-1.csv")).doesNotExist();
    assertThat(contents(out)).doesNotContainKey("part-1.csv").containsKey("part-0.csv");
  }

  @Test
  void aMissingBlobIsReportedByName() {
    Manifest manifest = Manifests.putTree(store, source);
    String missing = manifest.entries().getFirst().sha256();
    store.delete(missing);

    assertThatThrownBy(() -> Manifests.materialize(store, manifest, dir.resolve("out")))
        .isInstanceOf(ArtifactNotFoundException.class)
        .hasMessageContaining(missing);
  }

  @Test
  void symbolicLinksAreNeitherStoredNorWrittenThrough() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(source.resolve("link"), outside);
    assertThatThrownBy(() -> Manifests.putTree(store, source))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("it is not a regular file but a symbolic link");
    Files.delete(source.resolve("link"));

    Manifest manifest = Manifests.putTree(store, source);
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.createSymbolicLink(out.resolve("meta"), outside);
    assertThatThrownBy(() -> Manifests.materialize(store, manifest, out))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("is a symbolic link, which is not followed");
    assertThat(outside).isEmptyDirectory();
  }

  private void write(String path, byte[] content) throws IOException {
    Path file = source.resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private long blobCount() throws IOException {
    try (Stream<Path> files = Files.walk(store.root().resolve("blobs"))) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  /** Every file under the folder, by relative path, as a hash of its bytes. */
  private static Map<String, String> contents(Path folder) throws IOException {
    Map<String, String> contents = new TreeMap<>();
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        contents.put(
            folder.relativize(file).toString(),
            LocalArtifactStoreTest.sha256(Files.readAllBytes(file)));
      }
    }
    return contents;
  }
}
