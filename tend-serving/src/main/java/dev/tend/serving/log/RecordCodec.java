package dev.tend.serving.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.zip.CRC32C;

/*
 * A record's frame in a segment:
 *
 *   int length   bytes of the payload
 *   int crc      CRC32C of the length's four bytes followed by the payload
 *   payload      byte format version (1), then the fields in declaration order: strings as
 *                int byte count + UTF-8, the timestamp and latency as long microseconds,
 *                the request id as byte 0 (absent) or 1 followed by the string
 *
 * The CRC covers the length so that a torn or zeroed length is caught as surely as a torn payload.
 */
final class RecordCodec {
  static final byte FORMAT_VERSION = 1;
  static final int FRAME_HEADER_BYTES = 8;

  /* Far above any valid record (two JSON texts of 1 Mi characters, at most 3 bytes each). */
  static final int MAX_PAYLOAD_BYTES = 16 << 20;

  private RecordCodec() {}

  static ByteBuffer encode(PredictionRecord record) {
    byte[][] strings = {
      utf8(record.predictionId()),
      utf8(record.deployment()),
      utf8(record.environment()),
      utf8(record.modelName()),
      utf8(record.modelVersion()),
      utf8(record.inputs()),
      utf8(record.outputs())
    };
    byte[] requestId = record.requestId().map(RecordCodec::utf8).orElse(null);
    int payload = 1 + 8 + 8 + 1 + (requestId == null ? 0 : 4 + requestId.length);
    for (byte[] s : strings) {
      payload += 4 + s.length;
    }
    ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES + payload);
    frame.putInt(payload).putInt(0).put(FORMAT_VERSION);
    for (int i = 0; i < 5; i++) {
      putString(frame, strings[i]);
    }
    frame.putLong(record.timestampMicros()).putLong(record.latencyMicros());
    if (requestId == null) {
      frame.put((byte) 0);
    } else {
      putString(frame.put((byte) 1), requestId);
    }
    putString(frame, strings[5]);
    putString(frame, strings[6]);
    frame.putInt(4, crc(frame.array(), 0, payload));
    return frame.flip();
  }

  /** The CRC a frame must carry, over its length field ({@code frame[at..at+4)}) and payload. */
  static int crc(byte[] frame, int at, int payloadLength) {
    CRC32C crc = new CRC32C();
    crc.update(frame, at, 4);
    crc.update(frame, at + FRAME_HEADER_BYTES, payloadLength);
    return (int) crc.getValue();
  }

  /**
   * Decodes a payload whose CRC matched.
   *
   * @throws IllegalArgumentException when the payload does not hold a valid record
   */
  static PredictionRecord decode(ByteBuffer payload) {
    byte version = payload.get();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "record format version " + version + " is unknown; this Tend reads " + FORMAT_VERSION);
    }
    String predictionId = getString(payload);
    String deployment = getString(payload);
    String environment = getString(payload);
    String modelName = getString(payload);
    String modelVersion = getString(payload);
    long timestampMicros = payload.getLong();
    long latencyMicros = payload.getLong();
    Optional<String> requestId =
        switch (payload.get()) {
          case 0 -> Optional.empty();
          case 1 -> Optional.of(getString(payload));
          default -> throw new IllegalArgumentException("bad request id marker");
        };
    String inputs = getString(payload);
    String outputs = getString(payload);
    if (payload.hasRemaining()) {
      throw new IllegalArgumentException(payload.remaining() + " bytes follow the record");
    }
    return new PredictionRecord(
        predictionId,
        deployment,
        environment,
        modelName,
        modelVersion,
        inputs,
        outputs,
        latencyMicros,
        Instant.EPOCH.plus(timestampMicros, ChronoUnit.MICROS),
        requestId);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void putString(ByteBuffer buffer, byte[] bytes) {
    buffer.putInt(bytes.length).put(bytes);
  }

  private static String getString(ByteBuffer buffer) {
    int length = buffer.getInt();
    if (length < 0 || length > buffer.remaining()) {
      throw new IllegalArgumentException("a string of " + length + " bytes does not fit");
    }
    String s =
        new String(
            buffer.array(),
            buffer.arrayOffset() + buffer.position(),
            length,
            StandardCharsets.UTF_8);
    buffer.position(buffer.position() + length);
    return s;
  }
}
