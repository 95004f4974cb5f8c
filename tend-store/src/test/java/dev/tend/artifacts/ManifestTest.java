package dev.tend.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestTest {
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void canonicalTextAndIdDoNotDependOnTheOrderEntriesWereGiven() {
    Manifest manifest =
        new Manifest(
            List.of(new ManifestEntry("empty", 0, EMPTY), new ManifestEntry("a/b.txt", 3, ABC)));

    // Golden id from coreutils: printf '<the text below>' | sha256sum
    assertThat(manifest.canonicalText())
        .isEqualTo("tend-manifest 1\n" + ABC + " 3 a/b.txt\n" + EMPTY + " 0 empty\n");
    assertThat(manifest.sha256())
        .isEqualTo("0c00855753528ddbf9f745b8d9ab8b899ebe616a92a92aef0a8f0076810dc678");
    assertThat(new Manifest(manifest.entries().reversed())).isEqualTo(manifest);
    assertThat(manifest.totalSize()).isEqualTo(3);
  }

  @Test
  void anEmptyManifestHasTheIdOfItsHeader() {
    Manifest empty = new Manifest(List.of());
    assertThat(empty.canonicalText()).isEqualTo("tend-manifest 1\n");
    assertThat(empty.sha256())
        .isEqualTo("766cec0c76ee913df07ff3689c56a2014a600ebd28070aba8119a2382959ac2b");
    assertThat(Manifest.parse(empty.canonicalText())).isEqualTo(empty);
  }

  @Test
  void sortsPathsInCodePointOrderLikeUtf8Bytes() {
    String emoji = "\uD83D\uDE00"; // U+1F600, before U+FFFD in UTF-16 units but after it in UTF-8
    Manifest manifest =
        new Manifest(
            List.of(
                new ManifestEntry(emoji, 1, ABC),
                new ManifestEntry("\uFFFD", 1, ABC),
                new ManifestEntry("a-b", 1, ABC),
                new ManifestEntry("a/b", 1, ABC),
                new ManifestEntry("Z", 1, ABC)));

    assertThat(manifest.entries())
        .extracting(ManifestEntry::path)
        .containsExactly("Z", "a-b", "a/b", "\uFFFD", emoji);
  }

  @Test
  void rejectsAPathListedTwiceOrUsedAsBothFileAndFolder() {
    assertThatThrownBy(
            () ->
                new Manifest(
                    List.of(new ManifestEntry("a", 3, ABC), new ManifestEntry("a", 0, EMPTY))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path \"a\" appears twice in the manifest");
    assertThatThrownBy(
            () ->
                new Manifest(
                    List.of(
                        new ManifestEntry("a/b", 3, ABC),
                        new ManifestEntry("a-c", 0, EMPTY),
                        new ManifestEntry("a", 0, EMPTY))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path \"a\" is both a file and the folder of other files in the manifest");
  }

  @Test
  void parsesItsCanonicalTextBackIncludingPathsWithSpaces() {
    Manifest manifest =
        new Manifest(
            List.of(
                new ManifestEntry("my data/part 1.csv", 3, ABC), new ManifestEntry("ü", 0, EMPTY)));
    assertThat(Manifest.parse(manifest.canonicalText())).isEqualTo(manifest);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "tend-manifest 2\\n | manifest line 1: expected \"tend-manifest 1\", found \"tend-manifest 2\"",
        "tend-manifest 1 | manifest text must end with a newline",
        "tend-manifest 1\\n"
            + EMPTY
            + " 0 b\\n"
            + EMPTY
            + " 0 a\\n"
            + " | manifest entries must be sorted by path",
        "tend-manifest 1\\n"
            + EMPTY
            + " 00 a\\n | manifest line 2: size \"00\" is not a decimal number",
        "tend-manifest 1\\n"
            + EMPTY
            + " -1 a\\n | manifest line 2: size \"-1\" is not a decimal number",
        "tend-manifest 1\\n"
            + EMPTY
            + "  a\\n | manifest line 2: size \"\" is not a decimal number",
        "tend-manifest 1\\n"
            + EMPTY
            + " 0\\n"
            + " | manifest line 2: expected \"<sha256> <size> <path>\", found \""
            + EMPTY
            + " 0\"",
        "tend-manifest 1\\n"
            + EMPTY
            + " 99999999999999999999 a\\n"
            + " | manifest line 2: size 99999999999999999999 is too large",
        "tend-manifest 1\\nE3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 0 a\\n"
            + " | manifest line 2: not a SHA-256",
        "tend-manifest 1\\n"
            + EMPTY
            + " 0 ../a\\n"
            + " | manifest line 2: invalid path \"../a\": it has a '..' segment",
        "tend-manifest 1\\n\\n | manifest line 2: expected",
      })
  void rejectsTextThatIsNotCanonical(String text, String message) {
    assertThatThrownBy(() -> Manifest.parse(text.replace("\\n", "\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "a/b/c.parquet",
        "data/part 1.csv",
        ".hidden",
        "..a",
        "a..",
        "a/.b/...",
        "ünïcødé/日本語.txt",
        "\uD83D\uDE00.bin",
        "time 12:00.csv",
      })
  void acceptsRelativeNormalizedPaths(String path) {
    assertThat(ManifestEntry.requireValidPath(path)).isEqualTo(path);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | it is empty",
        "/etc/passwd | it is absolute",
        "../secret | it has a '..' segment; paths must be normalized",
        "a/../../b | it has a '..' segment",
        ". | it has a '.' segment",
        "./a | it has a '.' segment",
        "a/./b | it has a '.' segment",
        "a//b | it has an empty segment",
        "a/ | it has an empty segment",
        "a\\b | it contains a backslash; separate segments with '/'",
        "..\\..\\windows | it contains a backslash",
        "C:/windows | it starts with a Windows drive",
        "c: | it starts with a Windows drive",
      })
  void rejectsPathsThatCouldEscapeOrAreNotNormalized(String path, String reason) {
    assertThatThrownBy(() -> ManifestEntry.requireValidPath(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void rejectsControlCharactersLoneSurrogatesAndOverlongSegmentsWithClearMessages() {
    assertThatThrownBy(() -> ManifestEntry.requireValidPath("a\nb"))
        .hasMessage(
            "invalid path \"a\\u000ab\": it contains the control character U+000A"
                + " (expected a relative path like \"data/part-0.parquet\")");
    assertThatThrownBy(() -> ManifestEntry.requireValidPath("a\u0000"))
        .hasMessageContaining("it contains the control character U+0000");
    assertThatThrownBy(() -> ManifestEntry.requireValidPath("a\u0085"))
        .hasMessageContaining("it contains the control character U+0085");
    assertThatThrownBy(() -> ManifestEntry.requireValidPath("a\uD83D"))
        .hasMessageContaining("it contains an unpaired UTF-16 surrogate at index 1");
    assertThatThrownBy(() -> ManifestEntry.requireValidPath("\uDE00a"))
        .hasMessageContaining("unpaired UTF-16 surrogate at index 0");
    assertThatThrownBy(() -> ManifestEntry.requireValidPath("x/" + "é".repeat(128)))
        .hasMessageContaining("a segment is longer than 255 bytes in UTF-8");
    assertThat(ManifestEntry.requireValidPath("x/" + "é".repeat(127))).isNotNull();
  }

  @Test
  void entriesValidateTheirFields() {
    assertThatThrownBy(() -> new ManifestEntry("a", -1, ABC))
        .hasMessage("size of a must be >= 0, was -1");
    assertThatThrownBy(() -> new ManifestEntry("a", 0, "abc"))
        .hasMessageStartingWith("not a SHA-256");
    assertThatThrownBy(() -> new ManifestEntry(null, 0, ABC)).hasMessage("path is null");
  }
}
