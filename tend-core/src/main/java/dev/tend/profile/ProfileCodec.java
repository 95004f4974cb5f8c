package dev.tend.profile;

import dev.tend.schema.DataType;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.common.SketchesException;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/*
 * Binary format, version 1. Big-endian; strings are an int byte length and UTF-8 bytes; "bytes" is
 * an int length (0 = absent) and a sketch's own DataSketches serialization.
 *
 *   magic "TPRF" | int format version | string source | long createdAtEpochMillis
 *   | long rowCount | int columnCount | column* | int CRC-32 of all preceding bytes
 *
 *   column = string name | string type label
 *     | int kllK | int hllLgK | int frequentItemsMapSize | int histogramBins | int topValues
 *     | long count | long missing | long trueCount | long nanCount | long +infCount
 *     | long -infCount | long emptyCount | long frequent-items error carried outside the sketch
 *     | long n | double mean | double m2 | long minBits | long maxBits          (finite values)
 *     | long n | double mean | double m2 | long minLength | long maxLength      (string lengths)
 *     | bytes kll | bytes hll (compact) | bytes frequent items
 *
 * The frequent items are an ItemsSketch<String> for string columns and, for numeric and temporal
 * columns, exact counts: int limit | int size (-1 = more distinct values than limit) | size x
 * (long value | long count) sorted by value, doubles as their bits. A reader of a later version
 * keeps reading every earlier version; tests load a committed version-1 file.
 */
final class ProfileCodec {
  static final byte[] MAGIC = {'T', 'P', 'R', 'F'};
  private static final ArrayOfStringsSerDe STRINGS = new ArrayOfStringsSerDe();

  private ProfileCodec() {}

  static byte[] encode(DatasetProfile profile) {
    Writer out = new Writer();
    out.bytes(MAGIC);
    out.putInt(DatasetProfile.FORMAT_VERSION);
    out.putString(profile.provenance().source());
    out.putLong(profile.provenance().createdAtEpochMillis());
    out.putLong(profile.rowCount());
    out.putInt(profile.columns().size());
    for (ColumnProfile column : profile.columns()) {
      encodeColumn(out, (SketchColumnProfile) column);
    }
    CRC32 crc = new CRC32();
    crc.update(out.buffer, 0, out.size);
    out.putInt((int) crc.getValue());
    return Arrays.copyOf(out.buffer, out.size);
  }

  private static void encodeColumn(Writer out, SketchColumnProfile c) {
    out.putString(c.column());
    out.putString(c.type().label());
    ProfileOptions o = c.options();
    out.putInt(o.kllK());
    out.putInt(o.hllLgK());
    out.putInt(o.frequentItemsMapSize());
    out.putInt(o.histogramBins());
    out.putInt(o.topValues());
    out.putLong(c.count());
    out.putLong(c.missing());
    out.putLong(c.trueCount());
    out.putLong(c.nanCount());
    out.putLong(c.positiveInfinityCount());
    out.putLong(c.negativeInfinityCount());
    out.putLong(c.emptyCount());
    out.putLong(c.itemsErrorCarry());
    putMoments(out, c.values());
    out.putLong(c.minBits());
    out.putLong(c.maxBits());
    putMoments(out, c.lengthMoments());
    out.putLong(c.minLength());
    out.putLong(c.maxLength());
    out.putBlob(c.kll() == null ? null : c.kll().toByteArray());
    out.putBlob(c.hll() == null ? null : c.hll().toCompactByteArray());
    if (c.strings() != null) {
      out.putBlob(c.strings().toByteArray(STRINGS));
    } else {
      out.putBlob(c.longs() == null ? null : c.longs().toBytes());
    }
  }

  private static void putMoments(Writer out, Moments m) {
    out.putLong(m.n());
    out.putDouble(m.mean());
    out.putDouble(m.m2());
  }

  static DatasetProfile decode(byte[] bytes) {
    if (bytes == null) {
      throw new ProfileFormatException("profile bytes are null");
    }
    if (bytes.length < 8 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new ProfileFormatException(
          "not a Tend profile: expected magic bytes \"TPRF\" at offset 0 but found "
              + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 4))));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    in.position(MAGIC.length);
    int version = in.getInt();
    if (version > DatasetProfile.FORMAT_VERSION) {
      throw new ProfileFormatException(
          "profile format version "
              + version
              + " is newer than this Tend reads (up to "
              + DatasetProfile.FORMAT_VERSION
              + "); upgrade Tend to read it");
    }
    if (version < 1) {
      throw new ProfileFormatException("invalid profile format version " + version);
    }
    if (bytes.length < 12) {
      throw new ProfileFormatException("truncated profile: " + bytes.length + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    int expected = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if ((int) crc.getValue() != expected) {
      throw new ProfileFormatException(
          "corrupted profile: checksum mismatch over " + bytes.length + " bytes");
    }
    ByteBuffer body = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
    body.position(8);
    try {
      return decodeV1(body, version);
    } catch (BufferUnderflowException e) {
      throw new ProfileFormatException("truncated profile at offset " + body.position(), e);
    } catch (IllegalArgumentException | IndexOutOfBoundsException | SketchesException e) {
      throw new ProfileFormatException(
          "invalid profile near offset " + body.position() + ": " + e.getMessage(), e);
    }
  }

  private static DatasetProfile decodeV1(ByteBuffer in, int version) {
    String source = getString(in);
    long createdAt = in.getLong();
    long rowCount = in.getLong();
    int columnCount = in.getInt();
    if (columnCount < 0) {
      throw new ProfileFormatException("negative column count " + columnCount);
    }
    List<ColumnProfile> columns = new ArrayList<>(Math.min(columnCount, 1024));
    for (int i = 0; i < columnCount; i++) {
      columns.add(decodeColumn(in));
    }
    if (in.hasRemaining()) {
      throw new ProfileFormatException(
          in.remaining() + " unexpected bytes after the last column at offset " + in.position());
    }
    return new DefaultDatasetProfile(
        rowCount, columns, new ProfileProvenance(source, createdAt, version));
  }

  private static ColumnProfile decodeColumn(ByteBuffer in) {
    String name = getString(in);
    String label = getString(in);
    Optional<DataType> parsed = DataType.parse(label);
    if (parsed.isEmpty()) {
      throw new ProfileFormatException("column '" + name + "' has unknown type '" + label + "'");
    }
    DataType type = parsed.get();
    ProfileOptions options =
        new ProfileOptions(in.getInt(), in.getInt(), in.getInt(), in.getInt(), in.getInt());
    long count = in.getLong();
    long missing = in.getLong();
    long trueCount = in.getLong();
    long nanCount = in.getLong();
    long positiveInfinity = in.getLong();
    long negativeInfinity = in.getLong();
    long emptyCount = in.getLong();
    long itemsErrorCarry = in.getLong();
    Moments values = getMoments(in);
    long minBits = in.getLong();
    long maxBits = in.getLong();
    Moments lengths = getMoments(in);
    long minLength = in.getLong();
    long maxLength = in.getLong();
    byte[] kll = getBlob(in);
    byte[] hll = getBlob(in);
    byte[] items = getBlob(in);
    return new SketchColumnProfile(
        name,
        type,
        options,
        count,
        missing,
        trueCount,
        nanCount,
        positiveInfinity,
        negativeInfinity,
        emptyCount,
        itemsErrorCarry,
        values,
        minBits,
        maxBits,
        lengths,
        minLength,
        maxLength,
        kll == null ? null : KllDoublesSketch.heapify(Memory.wrap(kll)),
        hll == null ? null : HllSketch.heapify(hll),
        items == null || type != DataType.STRING
            ? null
            : ItemsSketch.getInstance(Memory.wrap(items), STRINGS),
        items == null || type == DataType.STRING ? null : ExactCounts.fromBytes(items));
  }

  private static Moments getMoments(ByteBuffer in) {
    return new Moments(in.getLong(), in.getDouble(), in.getDouble());
  }

  private static String getString(ByteBuffer in) {
    byte[] bytes = new byte[checkedLength(in)];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] getBlob(ByteBuffer in) {
    int length = checkedLength(in);
    if (length == 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  private static int checkedLength(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new ProfileFormatException(
          "invalid length " + length + " at offset " + (in.position() - 4));
    }
    return length;
  }

  /** A growable big-endian byte buffer. */
  private static final class Writer {
    private byte[] buffer = new byte[1024];
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

    void putDouble(double value) {
      putLong(Double.doubleToRawLongBits(value));
    }

    void putString(String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      putInt(bytes.length);
      bytes(bytes);
    }

    void putBlob(byte[] blob) {
      if (blob == null) {
        putInt(0);
      } else {
        putInt(blob.length);
        bytes(blob);
      }
    }
  }
}
