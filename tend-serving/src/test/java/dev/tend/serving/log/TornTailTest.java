package dev.tend.serving.log;

import static dev.tend.serving.log.Records.T0;
import static dev.tend.serving.log.Records.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a crash leaves at the end of the last segment, and damage no crash could leave. */
class TornTailTest {
  private static final PredictionLogOptions OPTIONS =
      PredictionLogOptions.defaults().withoutMaintenance();

  @TempDir Path dir;

  private List<PredictionRecord> writeFive(Path logDir) {
    List<PredictionRecord> written = new ArrayList<>();
    try (PredictionLog log = PredictionLog.open(logDir, OPTIONS)) {
      for (int i = 0; i < 5; i++) {
        PredictionRecord r = record("p" + i, "d", T0.plusSeconds(i));
        log.append(r).join();
        written.add(r);
      }
    }
    return written;
  }

  @Test
  void cuttingTheLastRecordAtEveryByteKeepsEveryCompleteRecord() throws IOException {
    Path original = dir.resolve("original");
    List<PredictionRecord> written = writeFive(original);
    Path segment = Segments.file(original.resolve("wal"), 1);
    byte[] bytes = Files.readAllBytes(segment);
    int lastFrame = RecordCodec.encode(written.getLast()).remaining();
    int start = bytes.length - lastFrame;
    for (int cut = start; cut <= bytes.length; cut++) {
      Path copy = dir.resolve("cut-" + cut);
      Files.createDirectories(copy.resolve("wal"));
      Files.write(Segments.file(copy.resolve("wal"), 1), java.util.Arrays.copyOf(bytes, cut));
      List<PredictionRecord> expected =
          cut == bytes.length ? written : written.subList(0, written.size() - 1);
      try (PredictionLog log = PredictionLog.open(copy, OPTIONS)) {
        assertThat(log.recovery().truncatedBytes())
            .as("cut at %d", cut)
            .isEqualTo(cut == bytes.length ? 0 : cut - start);
        assertThat(log.query(PredictionQuery.all(100))).as("cut at %d", cut).isEqualTo(expected);
        PredictionRecord after = record("after", "d", T0.plusSeconds(60));
        log.append(after).join();
        assertThat(log.query(PredictionQuery.all(100)))
            .hasSize(expected.size() + 1)
            .endsWith(after);
      }
      try (PredictionLog log = PredictionLog.open(copy, OPTIONS)) {
        assertThat(log.recovery().truncatedBytes()).isZero();
        assertThat(log.query(PredictionQuery.all(100))).hasSize(expected.size() + 1);
      }
    }
  }

  @Test
  void garbageOrZerosAfterTheLastRecordAreCutOff() throws IOException {
    Path logDir = dir.resolve("log");
    List<PredictionRecord> written = writeFive(logDir);
    for (byte[] tail : List.of(new byte[4096], "garbage that is not a frame".getBytes())) {
      // every opening starts a new segment: the tail goes on the newest, as a crash would leave
      List<Long> segments = Segments.list(logDir.resolve("wal"));
      Path last = Segments.file(logDir.resolve("wal"), segments.getLast());
      long size = Files.size(last);
      Files.write(last, tail, StandardOpenOption.APPEND);
      try (PredictionLog log = PredictionLog.open(logDir, OPTIONS)) {
        assertThat(log.recovery().truncatedBytes()).isEqualTo(tail.length);
        assertThat(log.query(PredictionQuery.all(100))).isEqualTo(written);
      }
      assertThat(Files.size(last)).isEqualTo(size);
    }
  }

  @Test
  void aFlippedBitInTheLastRecordDropsOnlyThatRecord() throws IOException {
    Path logDir = dir.resolve("log");
    List<PredictionRecord> written = writeFive(logDir);
    Path segment = Segments.file(logDir.resolve("wal"), 1);
    flipByte(segment, Files.size(segment) - 3);
    try (PredictionLog log = PredictionLog.open(logDir, OPTIONS)) {
      assertThat(log.recovery().reason()).isEqualTo("the frame fails its CRC");
      assertThat(log.query(PredictionQuery.all(100))).isEqualTo(written.subList(0, 4));
    }
  }

  @Test
  void aSegmentWhoseCreationWasInterruptedIsRemoved() throws IOException {
    Path logDir = dir.resolve("log");
    List<PredictionRecord> written = writeFive(logDir);
    // the log closed with segment 1; a crash while creating segment 2 left 7 bytes of its header
    Files.write(
        Segments.file(logDir.resolve("wal"), 2), new byte[] {0x54, 0x50, 0x4C, 0x47, 0, 0, 0});
    try (PredictionLog log = PredictionLog.open(logDir, OPTIONS)) {
      assertThat(log.recovery().reason()).isEqualTo("the header is incomplete");
      assertThat(log.query(PredictionQuery.all(100))).isEqualTo(written);
    }
  }

  @Test
  void damageInASealedSegmentIsReportedNotSkipped() throws IOException {
    Path logDir = dir.resolve("log");
    writeFive(logDir);
    try (PredictionLog log = PredictionLog.open(logDir, OPTIONS)) {
      log.append(record("later", "d", T0.plusSeconds(30))).join();
    }
    // segment 1 is sealed now: segment 2 came after it
    flipByte(Segments.file(logDir.resolve("wal"), 1), Segments.HEADER_BYTES + 20);
    try (PredictionLog log = PredictionLog.open(logDir, OPTIONS)) {
      assertThat(log.recovery().truncatedBytes()).isZero();
      assertThatThrownBy(() -> log.query(PredictionQuery.all(100)))
          .isInstanceOf(PredictionLogCorruptedException.class)
          .hasMessageContaining("00000000000000000001.wal is damaged at byte 16")
          .hasMessageContaining("fails its CRC");
      assertThatThrownBy(log::compact).isInstanceOf(PredictionLogCorruptedException.class);
    }
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
      channel.write(one, position);
    }
  }
}
