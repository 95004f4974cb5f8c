package dev.tend.serving.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

class RecordCodecTest {

  @Property(tries = 300)
  void decodesWhatItEncodes(
      @ForAll
          @StringLength(max = 150)
          @AlphaChars
          @Chars({'\u00e9', '\u2713', '"', '\\', '\n', ' ', '{'})
          String text,
      @ForAll @LongRange(min = 0, max = 253402300799000000L) long micros,
      @ForAll @LongRange(min = 0) long latency,
      @ForAll boolean withRequestId) {
    String json =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(text).toString();
    PredictionRecord record =
        new PredictionRecord(
            "id-1",
            "deploy_1.a",
            "staging",
            "model " + text.replaceAll("\\p{Cntrl}", "").strip() + "x",
            "v2",
            "{\"f\":" + json + "}",
            json,
            latency,
            Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS),
            withRequestId ? Optional.of("r-9") : Optional.empty());
    ByteBuffer frame = RecordCodec.encode(record);
    int length = frame.getInt(0);
    assertThat(frame.remaining()).isEqualTo(RecordCodec.FRAME_HEADER_BYTES + length);
    assertThat(RecordCodec.crc(frame.array(), 0, length)).isEqualTo(frame.getInt(4));
    PredictionRecord decoded =
        RecordCodec.decode(ByteBuffer.wrap(frame.array(), 8, length).slice());
    assertThat(decoded).isEqualTo(record);
  }
}
