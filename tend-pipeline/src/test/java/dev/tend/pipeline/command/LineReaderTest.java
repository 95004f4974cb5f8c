package dev.tend.pipeline.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting, decoding and cutting lines, and reading {@code /proc/<pid>/stat}. */
class LineReaderTest {
  private static List<String> lines(byte[] bytes) throws IOException {
    List<String> lines = new ArrayList<>();
    LineReader.read(new ByteArrayInputStream(bytes), lines::add);
    return lines;
  }

  private static List<String> lines(String text) throws IOException {
    return lines(text.getBytes(UTF_8));
  }

  @Test
  void splitsAtNewlinesAndDropsACarriageReturnBeforeThem() throws IOException {
    assertThat(lines("a\nb\r\n\nc\rd\nlast")).containsExactly("a", "b", "", "c\rd", "last");
    assertThat(lines("")).isEmpty();
    assertThat(lines("only\n")).containsExactly("only");
  }

  @Test
  void replacesInvalidUtf8() throws IOException {
    byte[] bytes = {'o', 'k', (byte) 0xff, ' ', (byte) 0xc3, (byte) 0xa9, '\n', (byte) 0xe2};
    assertThat(lines(bytes)).containsExactly("ok\uFFFD é", "\uFFFD");
  }

  @Test
  void cutsALongLineAndResumesAtTheNextOne() throws IOException {
    String longLine = "é".repeat(50_000);
    List<String> lines = lines(longLine + "\nnext\n" + "x".repeat(LineReader.MAX_LINE_CHARS));

    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).hasSize(LineReader.MAX_LINE_CHARS).startsWith("ééé").endsWith("é…");
    assertThat(lines.get(1)).isEqualTo("next");
    assertThat(lines.get(2)).hasSize(LineReader.MAX_LINE_CHARS).doesNotContain("…");
  }

  @Test
  void aLineSplitAcrossReadsIsOneLine() throws IOException {
    byte[] bytes = "héllo wörld\n".getBytes(UTF_8);
    InputStream trickle =
        new InputStream() {
          int next;

          @Override
          public int read() {
            return next < bytes.length ? bytes[next++] & 0xff : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (next == bytes.length) {
              return -1;
            }
            b[off] = bytes[next++];
            return 1;
          }
        };
    List<String> lines = new ArrayList<>();

    LineReader.read(trickle, lines::add);

    assertThat(lines).containsExactly("héllo wörld");
  }

  @Test
  void readsProcStatEvenWhenTheCommandNameHoldsParenthesesAndSpaces() {
    String stat =
        "4242 (my (odd) name) S 17 4242 4242 0 -1 4194560 100 0 0 0 150 25 7 3 20 0 1 0"
            + " 987654 1000000 200 18446744073709551615";

    ProcessTree.Stat parsed = ProcessTree.Stat.parse(stat).orElseThrow();

    assertThat(parsed)
        .isEqualTo(new ProcessTree.Stat(4242, 'S', 17, 4242, 150 + 25 + 7 + 3, 987654));
    assertThat(ProcessTree.Stat.parse("garbage")).isEmpty();
    assertThat(ProcessTree.read(ProcessHandle.current().pid()))
        .hasValueSatisfying(self -> assertThat(self.zombie()).isFalse());
  }
}
