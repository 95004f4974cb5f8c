package dev.tend.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {
  @TempDir Path dir;

  @Test
  void fileFormatComesFromItsExtensionUnlessOverridden() throws IOException {
    Path file = Files.writeString(dir.resolve("a.csv"), "x\n1\n");
    assertThat(DataSources.parse(file.toString(), Optional.empty()).format()).isEqualTo(Format.CSV);
    Path lines = Files.writeString(dir.resolve("b.ndjson"), "{\"x\":1}\n");
    assertThat(DataSources.parse(lines.toString(), Optional.empty()).format())
        .isEqualTo(Format.JSON_LINES);
    Path data = Files.writeString(dir.resolve("c.dat"), "x\n1\n");
    assertThat(DataSources.parse(data.toString(), Optional.of(Format.CSV)).format())
        .isEqualTo(Format.CSV);
    assertThatThrownBy(() -> DataSources.parse(data.toString(), Optional.empty()))
        .isInstanceOf(UnsupportedSourceException.class)
        .hasMessageContaining("c.dat");
  }

  @Test
  void folderMeansAllFilesOfItsFormatSortedAndSkippingHiddenOnes() throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("b.csv"), "x\n1\n");
    Files.writeString(dir.resolve("sub/a.csv"), "x\n2\n");
    Files.writeString(dir.resolve(".hidden.csv"), "x\n3\n");
    Files.writeString(dir.resolve("_SUCCESS"), "");
    DataSource.Files source = DataSources.parse(dir.toString(), Optional.empty());
    assertThat(source.format()).isEqualTo(Format.CSV);
    assertThat(DataSources.files(source))
        .containsExactly(dir.resolve("b.csv"), dir.resolve("sub/a.csv"));
  }

  @Test
  void folderWithSeveralFormatsAsksForOne() throws IOException {
    Files.writeString(dir.resolve("a.csv"), "x\n1\n");
    Files.writeString(dir.resolve("b.json"), "[]");
    assertThatThrownBy(() -> DataSources.parse(dir.toString(), Optional.empty()))
        .isInstanceOf(UnsupportedSourceException.class)
        .hasMessageContaining("several formats");
    assertThat(DataSources.files(DataSources.parse(dir.toString(), Optional.of(Format.JSON))))
        .containsExactly(dir.resolve("b.json"));
  }

  @Test
  void globsMatchRelativeToTheirFolderAndDoubleStarIncludesTheTop() throws IOException {
    Files.createDirectories(dir.resolve("x/y"));
    Files.writeString(dir.resolve("top.csv"), "a\n1\n");
    Files.writeString(dir.resolve("x/y/deep.csv"), "a\n1\n");
    Files.writeString(dir.resolve("x/other.txt"), "a\n1\n");
    DataSource.Files star = DataSources.parse(dir + "/*.csv", Optional.empty());
    assertThat(DataSources.files(star)).containsExactly(dir.resolve("top.csv"));
    DataSource.Files deep = DataSources.parse(dir + "/**/*.csv", Optional.empty());
    assertThat(deep.format()).isEqualTo(Format.CSV);
    assertThat(DataSources.files(deep))
        .containsExactly(dir.resolve("top.csv"), dir.resolve("x/y/deep.csv"));
  }

  @Test
  void missingFilesAndEmptyGlobsNameThePath() {
    assertThatThrownBy(() -> DataSources.parse(dir + "/nope.csv", Optional.empty()))
        .isInstanceOf(SourceNotFoundException.class)
        .hasMessage(dir + "/nope.csv: no such file or folder");
    assertThatThrownBy(() -> DataSources.parse(dir + "/*.parquet", Optional.empty()))
        .isInstanceOf(SourceNotFoundException.class)
        .hasMessage(dir + "/*.parquet: the pattern matches no files");
    assertThatThrownBy(() -> DataSources.parse(dir + "/missing/*.csv", Optional.empty()))
        .isInstanceOf(SourceNotFoundException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void jdbcSourceNeverShowsItsPasswordOrQueryString() {
    DataSource.JdbcQuery query =
        new DataSource.JdbcQuery(
            "jdbc:postgresql://h/db?password=secret",
            Optional.of("u"),
            Optional.of("secret"),
            "select 1");
    assertThat(query.describe()).isEqualTo("jdbc:postgresql://h/db");
    assertThat(query.toString()).doesNotContain("secret");
  }
}
