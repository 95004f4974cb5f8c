package dev.tend.monitor;

import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileFormatException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.datasketches.common.SketchesException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/*
 * Binary format, version 1. Big-endian; strings are an int byte length and UTF-8 bytes; "bytes" is
 * an int length and the bytes.
 *
 *   magic "TWSK" | int format version | string task | long rows | long firstMicros
 *   | long lastMicros | bytes inputs (DatasetProfile format) | bytes prediction (DatasetProfile)
 *   | int inputCount | inputCount x (long absent | long wrongType)
 *   | long violatingRows | long malformedInputs | long unexpectedFields | long predictionViolations
 *   | int names | names x (string name | long count) | bytes latency (KLL, milliseconds)
 *   | int confidenceBins | int histogramLength | int nonZero | nonZero x (int bin | long count)
 *   | int CRC-32 of all preceding bytes
 *
 * The confidence histogram is written sparsely since most of its 1000 bins are usually empty. A
 * reader of a later version keeps reading every earlier version; tests load a committed file.
 */
final class WindowSketchCodec {
  private static final byte[] MAGIC = {'T', 'W', 'S', 'K'};

  private WindowSketchCodec() {}

  static byte[] encode(WindowSketch s) {
    Writer out = new Writer();
    out.bytes(MAGIC);
    out.putInt(WindowSketch.FORMAT_VERSION);
    out.putString(s.task().name().toLowerCase(Locale.ROOT));
    out.putLong(s.rows());
    out.putLong(s.firstMicros());
    out.putLong(s.lastMicros());
    out.putBlob(s.inputs().toBytes());
    out.putBlob(s.predictionProfile().toBytes());
    long[] absent = s.absentArray();
    long[] wrongType = s.wrongTypeArray();
    out.putInt(absent.length);
    for (int i = 0; i < absent.length; i++) {
      out.putLong(absent[i]);
      out.putLong(wrongType[i]);
    }
    out.putLong(s.violatingRows());
    out.putLong(s.malformedInputs());
    out.putLong(s.unexpectedFields());
    out.putLong(s.predictionViolations());
    Map<String, Long> names = s.unexpectedFieldCounts();
    out.putInt(names.size());
    names.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              out.putString(e.getKey());
              out.putLong(e.getValue());
            });
    out.putBlob(s.latency().toByteArray());
    long[] confidence = s.confidenceArray();
    out.putInt(s.declaredConfidenceBins());
    out.putInt(confidence.length);
    int nonZero = 0;
    for (long c : confidence) {
      if (c != 0) {
        nonZero++;
      }
    }
    out.putInt(nonZero);
    for (int i = 0; i < confidence.length; i++) {
      if (confidence[i] != 0) {
        out.putInt(i);
        out.putLong(confidence[i]);
      }
    }
    CRC32 crc = new CRC32();
    crc.update(out.buffer, 0, out.size);
    out.putInt((int) crc.getValue());
    return Arrays.copyOf(out.buffer, out.size);
  }

  static WindowSketch decode(byte[] bytes) {
    if (bytes == null) {
      throw new WindowSketchFormatException("window sketch bytes are null");
    }
    if (bytes.length < 12 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new WindowSketchFormatException(
          "not a Tend window sketch: expected magic bytes \"TWSK\" at offset 0 and at least 12"
              + " bytes, found "
              + bytes.length
              + " bytes starting "
              + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 4))));
    }
    int version = ByteBuffer.wrap(bytes, 4, 4).getInt();
    if (version > WindowSketch.FORMAT_VERSION) {
      throw new WindowSketchFormatException(
          "window sketch format version "
              + version
              + " is newer than this Tend reads (up to "
              + WindowSketch.FORMAT_VERSION
              + "); upgrade Tend to read it");
    }
    if (version < 1) {
      throw new WindowSketchFormatException("invalid window sketch format version " + version);
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
      throw new WindowSketchFormatException(
          "corrupted window sketch: checksum mismatch over " + bytes.length + " bytes");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
    in.position(8);
    try {
      return decodeV1(in);
    } catch (BufferUnderflowException e) {
      throw new WindowSketchFormatException(
          "truncated window sketch at offset " + in.position(), e);
    } catch (ProfileFormatException e) {
      throw new WindowSketchFormatException(
          "invalid profile in window sketch near offset " + in.position() + ": " + e.getMessage(),
          e);
    } catch (IllegalArgumentException | IndexOutOfBoundsException | SketchesException e) {
      throw new WindowSketchFormatException(
          "invalid window sketch near offset " + in.position() + ": " + e.getMessage(), e);
    }
  }

  private static WindowSketch decodeV1(ByteBuffer in) {
    String taskName = getString(in);
    WindowSketchSchema.Task task;
    try {
      task = WindowSketchSchema.Task.valueOf(taskName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new WindowSketchFormatException("unknown task '" + taskName + "' in window sketch", e);
    }
    long rows = in.getLong();
    long first = in.getLong();
    long last = in.getLong();
    DatasetProfile inputs = DatasetProfile.fromBytes(getBlob(in));
    DatasetProfile prediction = DatasetProfile.fromBytes(getBlob(in));
    int n = in.getInt();
    if (n != inputs.columns().size()) {
      throw new WindowSketchFormatException(
          n + " violation counts for " + inputs.columns().size() + " inputs");
    }
    long[] absent = new long[n];
    long[] wrongType = new long[n];
    for (int i = 0; i < n; i++) {
      absent[i] = in.getLong();
      wrongType[i] = in.getLong();
    }
    long violatingRows = in.getLong();
    long malformed = in.getLong();
    long unexpectedFields = in.getLong();
    long predictionViolations = in.getLong();
    int names = in.getInt();
    if (names < 0 || names > WindowSketch.MAX_UNEXPECTED_NAMES) {
      throw new WindowSketchFormatException("invalid count of unexpected field names " + names);
    }
    Map<String, Long> unexpected = new HashMap<>();
    for (int i = 0; i < names; i++) {
      unexpected.put(getString(in), in.getLong());
    }
    KllDoublesSketch latency = KllDoublesSketch.heapify(Memory.wrap(getBlob(in)));
    int bins = in.getInt();
    int length = in.getInt();
    if (length != (task.isClassifier() ? bins : 0) || bins < 1 || bins > 100_000) {
      throw new WindowSketchFormatException(
          "invalid confidence histogram of " + length + " of " + bins + " bins");
    }
    long[] confidence = new long[length];
    int nonZero = in.getInt();
    if (nonZero < 0 || nonZero > length) {
      throw new WindowSketchFormatException("invalid count of confidence bins " + nonZero);
    }
    for (int i = 0; i < nonZero; i++) {
      int bin = in.getInt();
      if (bin < 0 || bin >= length) {
        throw new WindowSketchFormatException(
            "confidence bin " + bin + " outside [0, " + length + ")");
      }
      confidence[bin] = in.getLong();
    }
    if (in.hasRemaining()) {
      throw new WindowSketchFormatException(
          in.remaining() + " unexpected bytes at offset " + in.position());
    }
    return new WindowSketch(
        task,
        rows,
        first,
        last,
        inputs,
        prediction,
        absent,
        wrongType,
        violatingRows,
        malformed,
        unexpectedFields,
        unexpected,
        predictionViolations,
        latency,
        bins,
        confidence);
  }

  private static String getString(ByteBuffer in) {
    byte[] bytes = new byte[checkedLength(in)];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] getBlob(ByteBuffer in) {
    byte[] bytes = new byte[checkedLength(in)];
    in.get(bytes);
    return bytes;
  }

  private static int checkedLength(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new WindowSketchFormatException(
          "invalid length " + length + " at offset " + (in.position() - 4));
    }
    return length;
  }

  /** A growable big-endian byte buffer. */
  private static final class Writer {
    private byte[] buffer = new byte[4096];
    private int size;

    private void ensure(int extra) {
      if (size + extra > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
      }
    }

    void bytes(byte[] bytes) {
      ensure(bytes.length);
      System.arraycopy(bytes, 0, buffer, size, bytes.length);
      size += bytes.length;
    }

    void putInt(int value) {
      ensure(4);
      ByteBuffer.wrap(buffer, size, 4).putInt(value);
      size += 4;
    }

    void putLong(long value) {
      ensure(8);
      ByteBuffer.wrap(buffer, size, 8).putLong(value);
      size += 8;
    }

    void putString(String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      putInt(bytes.length);
      bytes(bytes);
    }

    void putBlob(byte[] blob) {
      putInt(blob.length);
      bytes(blob);
    }
  }
}
