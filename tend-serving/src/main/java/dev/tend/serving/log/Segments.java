package dev.tend.serving.log;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * Segment files of the write-ahead log: wal/<20-digit id>.wal, ids increasing. A segment starts
 * with a 16-byte header (magic "TPLG", int format version, long segment id), written and fsynced
 * before the segment takes records; record frames follow (see RecordCodec).
 */
final class Segments {
  static final int MAGIC = 0x54504C47;
  static final int FORMAT_VERSION = 1;
  static final int HEADER_BYTES = 16;
  private static final Pattern NAME = Pattern.compile("(\\d{20})\\.wal");

  private Segments() {}

  static Path file(Path walDirectory, long segmentId) {
    return walDirectory.resolve(String.format("%020d.wal", segmentId));
  }

  /** The ids of the segments in {@code walDirectory}, ascending. */
  static List<Long> list(Path walDirectory) throws IOException {
    List<Long> ids = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(walDirectory, "*.wal")) {
      for (Path file : files) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (m.matches()) {
          ids.add(Long.parseLong(m.group(1)));
        }
      }
    }
    ids.sort(null);
    return ids;
  }

  /** Creates a segment holding only its header, durable together with its directory entry. */
  static FileChannel create(Path walDirectory, long segmentId) throws IOException {
    Path file = file(walDirectory, segmentId);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      header.putInt(MAGIC).putInt(FORMAT_VERSION).putLong(segmentId).flip();
      while (header.hasRemaining()) {
        channel.write(header);
      }
      channel.force(true);
      forceDirectory(walDirectory);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  static void forceDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /**
   * What a scan found.
   *
   * @param validLength bytes of the header and the complete, intact frames
   * @param records how many complete frames
   * @param badFrame why the frame at {@code validLength} is not complete and intact, or null when
   *     the scan reached {@code limit}
   * @param headerTorn the file is shorter than a header or its header is all zeros: a segment whose
   *     creation a crash interrupted
   */
  record Scan(long validLength, long records, String badFrame, boolean headerTorn) {}

  /**
   * Reads a segment up to {@code limit} bytes, handing each intact record to {@code sink} (null to
   * only check them). Stops at the first frame that is incomplete or fails its CRC.
   *
   * @throws PredictionLogCorruptedException when the header is not a segment header or an intact
   *     frame does not decode
   */
  static Scan scan(Path file, long segmentId, long limit, Consumer<PredictionRecord> sink)
      throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      long size = Math.min(limit, Files.size(file));
      if (size < HEADER_BYTES) {
        return new Scan(0, 0, "the header is incomplete", true);
      }
      int magic = in.readInt();
      int version = in.readInt();
      long id = in.readLong();
      if (magic == 0 && version == 0 && id == 0) {
        return new Scan(0, 0, "the header is zeros", true);
      }
      if (magic != MAGIC) {
        throw new PredictionLogCorruptedException(file + " is not a prediction log segment");
      }
      if (version != FORMAT_VERSION) {
        throw new PredictionLogCorruptedException(
            file
                + " has segment format version "
                + version
                + "; this Tend reads "
                + FORMAT_VERSION);
      }
      if (id != segmentId) {
        throw new PredictionLogCorruptedException(
            file + " holds segment " + id + ", not the " + segmentId + " its name says");
      }
      long position = HEADER_BYTES;
      long records = 0;
      byte[] frame = new byte[1 << 12];
      while (position < size) {
        if (size - position < RecordCodec.FRAME_HEADER_BYTES) {
          return new Scan(position, records, "the frame header is incomplete", false);
        }
        in.readFully(frame, 0, RecordCodec.FRAME_HEADER_BYTES);
        int length = ByteBuffer.wrap(frame, 0, 4).getInt();
        int crc = ByteBuffer.wrap(frame, 4, 4).getInt();
        if (length < 1 || length > RecordCodec.MAX_PAYLOAD_BYTES) {
          return new Scan(
              position, records, "the frame length " + length + " is impossible", false);
        }
        if (size - position - RecordCodec.FRAME_HEADER_BYTES < length) {
          return new Scan(position, records, "the frame is incomplete", false);
        }
        if (frame.length < RecordCodec.FRAME_HEADER_BYTES + length) {
          byte[] larger =
              new byte[Math.max(RecordCodec.FRAME_HEADER_BYTES + length, frame.length * 2)];
          System.arraycopy(frame, 0, larger, 0, RecordCodec.FRAME_HEADER_BYTES);
          frame = larger;
        }
        try {
          in.readFully(frame, RecordCodec.FRAME_HEADER_BYTES, length);
        } catch (EOFException e) {
          return new Scan(position, records, "the frame is incomplete", false);
        }
        if (RecordCodec.crc(frame, 0, length) != crc) {
          return new Scan(position, records, "the frame fails its CRC", false);
        }
        if (sink != null) {
          sink.accept(decode(file, position, frame, length));
        }
        position += RecordCodec.FRAME_HEADER_BYTES + length;
        records++;
      }
      return new Scan(position, records, null, false);
    }
  }

  private static PredictionRecord decode(Path file, long position, byte[] frame, int length) {
    try {
      return RecordCodec.decode(
          ByteBuffer.wrap(frame, RecordCodec.FRAME_HEADER_BYTES, length).slice());
    } catch (RuntimeException e) {
      throw new PredictionLogCorruptedException(
          "the record at byte " + position + " of " + file + " does not decode: " + e.getMessage(),
          e);
    }
  }
}
