package dev.tend.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalArtifactStoreTest {
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ABC_SHA256 =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @TempDir Path dir;
  private LocalArtifactStore store;

  @BeforeEach
  void openStore() {
    store = LocalArtifactStore.open(dir.resolve("artifacts"));
  }

  @Test
  void namesBlobsByTheirSha256AndKeepsThemInTwoLevelsOfFolders() {
    Blob abc = store.put(bytes("abc"));
    Blob empty = store.put(new ByteArrayInputStream(new byte[0]));

    assertThat(abc).isEqualTo(new Blob(ABC_SHA256, 3));
    assertThat(empty).isEqualTo(new Blob(EMPTY_SHA256, 0));
    assertThat(store.root().resolve("blobs/ba/78/" + ABC_SHA256)).hasContent("abc");
    assertThat(store.root().resolve("blobs/e3/b0/" + EMPTY_SHA256)).isEmptyFile();
    assertThat(temporaryFiles()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        0,
        1,
        LocalArtifactStore.BUFFER_SIZE - 1,
        LocalArtifactStore.BUFFER_SIZE,
        LocalArtifactStore.BUFFER_SIZE + 1,
        2 * LocalArtifactStore.BUFFER_SIZE,
        5 * 1024 * 1024 + 7
      })
  void roundTripsContentOfEverySize(int size) throws IOException {
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);

    Blob blob =
        store.put(
            new ByteArrayInputStream(content), OptionalLong.of(size), Optional.of(sha256(content)));

    assertThat(blob).isEqualTo(new Blob(sha256(content), size));
    assertThat(store.exists(blob.sha256())).isTrue();
    assertThat(store.size(blob.sha256())).isEqualTo(size);
    try (InputStream in = store.open(blob.sha256())) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    store.verify(blob.sha256());
  }

  @Test
  void storesTheSameContentOnce() {
    Blob first = store.put(bytes("same bytes"));
    Blob second = store.put(bytes("same bytes"));

    assertThat(second).isEqualTo(first);
    assertThat(blobFiles()).hasSize(1);
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void concurrentPutsOfTheSameContentKeepOneBlobAndAllSucceed() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 20; round++) {
        byte[] content = new byte[100_000 + round];
        new Random(round).nextBytes(content);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Blob>> puts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          puts.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store.put(new ByteArrayInputStream(content));
                  }));
        }
        for (Future<Blob> put : puts) {
          assertThat(put.get()).isEqualTo(new Blob(sha256(content), content.length));
        }
        assertThat(blobFiles()).hasSize(round + 1);
        assertThat(temporaryFiles()).isEmpty();
        store.verify(sha256(content));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void expectedHashMismatchStoresNothing() {
    assertThatThrownBy(() -> store.put(bytes("abd"), OptionalLong.empty(), Optional.of(ABC_SHA256)))
        .isInstanceOf(ArtifactMismatchException.class)
        .hasMessageContaining(ABC_SHA256)
        .hasMessageContaining("was expected; nothing was stored");

    assertThat(store.exists(ABC_SHA256)).isFalse();
    assertThat(blobFiles()).isEmpty();
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void expectedSizeMismatchStoresNothing() {
    assertThatThrownBy(() -> store.put(bytes("abc"), OptionalLong.of(4), Optional.empty()))
        .isInstanceOf(ArtifactMismatchException.class)
        .hasMessage("content has 3 bytes but 4 were expected; nothing was stored");
    assertThat(blobFiles()).isEmpty();
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void contentLongerThanExpectedFailsWithoutReadingTheRest() {
    GeneratedInputStream endless = new GeneratedInputStream(Long.MAX_VALUE, 1);

    assertThatThrownBy(() -> store.put(endless, OptionalLong.of(1000), Optional.empty()))
        .isInstanceOf(ArtifactMismatchException.class)
        .hasMessage("content is longer than the 1000 bytes expected; nothing was stored");
    assertThat(blobFiles()).isEmpty();
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void contentOverTheLimitFailsAsSoonAsItPassesIt() {
    LocalArtifactStore limited = LocalArtifactStore.open(dir.resolve("limited"), 1_000_000);
    assertThat(limited.put(new GeneratedInputStream(1_000_000, 1)).size()).isEqualTo(1_000_000);

    assertThatThrownBy(() -> limited.put(new GeneratedInputStream(Long.MAX_VALUE, 2)))
        .isInstanceOfSatisfying(
            ArtifactTooLargeException.class, e -> assertThat(e.limit()).isEqualTo(1_000_000))
        .hasMessage("content exceeds the limit of 1000000 bytes per blob; nothing was stored");
    assertThat(limited.root().resolve("tmp")).isEmptyDirectory();
  }

  @Test
  void aStreamThatFailsMidwayStoresNothingAndTheStoreStaysUsable() {
    InputStream failing =
        new InputStream() {
          private final InputStream head = new GeneratedInputStream(200_000, 5);

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = head.read(b, off, len);
            if (n < 0) {
              throw new IOException("connection reset");
            }
            return n;
          }
        };

    assertThatThrownBy(() -> store.put(failing))
        .isExactlyInstanceOf(ArtifactException.class)
        .hasMessageContaining("reading the content to store failed after")
        .hasRootCauseMessage("connection reset");
    assertThat(blobFiles()).isEmpty();
    assertThat(temporaryFiles()).isEmpty();

    assertThat(store.put(bytes("abc")).sha256()).isEqualTo(ABC_SHA256);
  }

  @Test
  void cleanupRemovesOnlyTemporaryFilesOlderThanAsked() throws IOException {
    Path abandoned = Files.writeString(store.root().resolve("tmp/put-1.part"), "half an upload");
    Files.setLastModifiedTime(
        abandoned,
        java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofHours(2))));
    Path recent = Files.writeString(store.root().resolve("tmp/put-2.part"), "in progress");

    assertThat(store.cleanupTemporary(Duration.ofHours(1))).isEqualTo(1);
    assertThat(abandoned).doesNotExist();
    assertThat(recent).exists();
    assertThat(store.cleanupTemporary(Duration.ZERO)).isEqualTo(1);
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void putAllocatesOnlyAFixedBufferWhateverTheSize() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    store.put(new GeneratedInputStream(1024, 7)); // warm up class loading and caches
    long size = 256L * 1024 * 1024;
    GeneratedInputStream in = new GeneratedInputStream(size, 42);

    long before = threads.getCurrentThreadAllocatedBytes();
    Blob blob = store.put(in);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(blob).isEqualTo(new Blob(GeneratedInputStream.sha256Of(size, 42), size));
    assertThat(in.maxReadLength()).isEqualTo(LocalArtifactStore.BUFFER_SIZE);
    assertThat(allocated).isLessThan(1024 * 1024);
  }

  @Test
  void storesAGigabyteStreamedFromAGeneratorUnderTheDefaultHeap() {
    long size = 1L << 30;
    Blob blob = store.put(new GeneratedInputStream(size, 1234));

    assertThat(blob.size()).isEqualTo(size);
    assertThat(store.size(blob.sha256())).isEqualTo(size);
    assertThat(blob.sha256()).isEqualTo(GeneratedInputStream.sha256Of(size, 1234));
    assertThat(store.delete(blob.sha256())).isTrue();
  }

  @Test
  void verifyReportsAFlippedByteAndATruncation() throws IOException {
    Blob blob = store.put(new GeneratedInputStream(300_000, 3));
    Path file = store.blobPath(blob.sha256());
    byte[] content = Files.readAllBytes(file);
    content[150_000] ^= 1;
    Files.write(file, content);

    assertThatThrownBy(() -> store.verify(blob.sha256()))
        .isInstanceOfSatisfying(
            ArtifactCorruptedException.class, e -> assertThat(e.sha256()).isEqualTo(blob.sha256()))
        .hasMessageStartingWith(
            "blob " + blob.sha256() + " is corrupted: its 300000 bytes hash to");

    Files.write(file, new byte[10]);
    assertThatThrownBy(() -> store.verify(blob.sha256()))
        .isInstanceOf(ArtifactCorruptedException.class)
        .hasMessageContaining("its 10 bytes hash to");
  }

  @Test
  void storingTheContentAgainRepairsACorruptedBlob() throws IOException {
    Blob blob = store.put(bytes("abc"));
    Files.writeString(store.blobPath(blob.sha256()), "ab");

    assertThat(store.put(bytes("abc"))).isEqualTo(blob);
    store.verify(blob.sha256());
  }

  @Test
  void absentBlobsAreReportedAndDeletingThemIsSafe() {
    assertThat(store.exists(ABC_SHA256)).isFalse();
    assertThatThrownBy(() -> store.open(ABC_SHA256))
        .isInstanceOfSatisfying(
            ArtifactNotFoundException.class, e -> assertThat(e.sha256()).isEqualTo(ABC_SHA256))
        .hasMessage("blob " + ABC_SHA256 + " not found while trying to open it");
    assertThatThrownBy(() -> store.size(ABC_SHA256)).isInstanceOf(ArtifactNotFoundException.class);
    assertThatThrownBy(() -> store.verify(ABC_SHA256))
        .isInstanceOf(ArtifactNotFoundException.class);
    assertThat(store.delete(ABC_SHA256)).isFalse();

    store.put(bytes("abc"));
    assertThat(store.delete(ABC_SHA256)).isTrue();
    assertThat(store.exists(ABC_SHA256)).isFalse();
    assertThat(store.delete(ABC_SHA256)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "abc",
        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015add",
        "../../../../../../../../../../../../../../../../../../etc/passwd",
        "ba/816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a\n"
      })
  void rejectsNamesThatAreNotLowercaseSha256(String name) {
    for (Runnable call :
        List.<Runnable>of(
            () -> store.open(name),
            () -> store.exists(name),
            () -> store.size(name),
            () -> store.verify(name),
            () -> store.delete(name),
            () -> store.put(bytes("abc"), OptionalLong.empty(), Optional.of(name)))) {
      assertThatThrownBy(call::run)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("not a SHA-256: expected 64 lowercase hex characters");
    }
    assertThat(temporaryFiles()).isEmpty();
  }

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] content) {
    return HexFormat.of().formatHex(LocalArtifactStore.sha256Digest().digest(content));
  }

  private List<Path> blobFiles() {
    try (Stream<Path> files = Files.walk(store.root().resolve("blobs"))) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private List<Path> temporaryFiles() {
    try (Stream<Path> files = Files.list(store.root().resolve("tmp"))) {
      return files.toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
