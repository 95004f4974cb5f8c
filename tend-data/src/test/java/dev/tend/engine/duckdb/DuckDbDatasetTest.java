package dev.tend.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.InvalidMetricException;
import dev.tend.engine.SplitResult;
import dev.tend.expr.Expr;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.metric.Stat;
import dev.tend.schema.DataType;
import dev.tend.source.CsvOptions;
import dev.tend.source.DataSource;
import dev.tend.source.DataSources;
import dev.tend.source.Format;
import dev.tend.source.MalformedInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbDatasetTest {
  private static Engine engine;

  @TempDir Path dir;

  /** A fixture row; amount is null for every 7th row, name for every 11th. */
  record Row(long id, Double amount, String name, LocalDate day, boolean flag) {}

  @BeforeAll
  static void startEngine() {
    engine = DuckDbEngines.create();
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (long i = 1; i <= 200; i++) {
      Double amount = i % 7 == 0 ? null : (i * 37 % 101) + 0.25;
      String name = i % 11 == 0 ? null : "name" + (i % 13);
      rows.add(new Row(i, amount, name, LocalDate.of(2024, 1, 1).plusDays(i % 40), i % 3 == 0));
    }
    return rows;
  }

  private Path writeCsv(String fileName, List<Row> rows) throws IOException {
    StringBuilder csv = new StringBuilder("id,amount,name,day,flag\n");
    for (Row row : rows) {
      csv.append(row.id())
          .append(',')
          .append(row.amount() == null ? "" : row.amount())
          .append(',')
          .append(row.name() == null ? "" : row.name())
          .append(',')
          .append(row.day())
          .append(',')
          .append(row.flag())
          .append('\n');
    }
    return Files.writeString(dir.resolve(fileName), csv);
  }

  private Dataset openCsv(Path file) {
    return engine.open(DataSources.parse(file.toString(), Optional.empty()));
  }

  @Test
  void csvSchemaMapsDuckDbTypes() throws IOException {
    try (Dataset data = openCsv(writeCsv("rows.csv", rows()))) {
      assertThat(data.schema().names()).containsExactly("id", "amount", "name", "day", "flag");
      assertThat(data.schema().columns())
          .extracting(c -> c.type())
          .containsExactly(
              DataType.INTEGER, DataType.DOUBLE, DataType.STRING, DataType.DATE, DataType.BOOLEAN);
      assertThat(data.schema().column("id").orElseThrow().sourceType()).isEqualTo("BIGINT");
    }
  }

  @Test
  void metricsMatchValuesComputedInJavaIncludingWhereFiltersAndNulls() throws IOException {
    List<Row> rows = rows();
    Expr bigAmount =
        new Expr.Binary(
            Expr.BinaryOp.GT, Expr.column("amount"), Expr.literal(50.0), Expr.Position.NONE);
    Expr late =
        new Expr.Binary(Expr.BinaryOp.GT, Expr.column("id"), Expr.literal(50), Expr.Position.NONE);
    List<Row> lateRows = rows.stream().filter(r -> r.id() > 50).toList();
    List<Double> lateAmounts = lateRows.stream().map(Row::amount).filter(a -> a != null).toList();
    double mean = lateAmounts.stream().mapToDouble(d -> d).average().orElseThrow();
    double variance =
        lateAmounts.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum()
            / (lateAmounts.size() - 1);

    Metric rowCount = new Metric.RowCount(Optional.empty());
    Metric lateCount = new Metric.RowCount(Optional.of(late));
    Metric bigCount = new Metric.CountWhere(bigAmount, Optional.empty());
    Metric nullAmount = Metric.Aggregate.of("amount", Stat.NULL_COUNT);
    Metric lateMean = new Metric.Aggregate("amount", Stat.MEAN, 0, Optional.of(late));
    Metric lateStddev = new Metric.Aggregate("amount", Stat.STDDEV, 0, Optional.of(late));
    Metric lateSum = new Metric.Aggregate("amount", Stat.SUM, 0, Optional.of(late));
    Metric min = Metric.Aggregate.of("amount", Stat.MIN);
    Metric max = Metric.Aggregate.of("amount", Stat.MAX);
    Metric minDay = Metric.Aggregate.of("day", Stat.MIN);
    Metric flagMean = Metric.Aggregate.of("flag", Stat.MEAN);
    Metric maxLength = Metric.Aggregate.of("name", Stat.MAX_LENGTH);
    Metric meanLength = Metric.Aggregate.of("name", Stat.MEAN_LENGTH);
    Metric distinctNames = new Metric.DistinctCount(List.of("name"), Optional.empty());
    Metric distinctPairs = new Metric.DistinctCount(List.of("name", "flag"), Optional.of(late));
    Metric median = new Metric.Aggregate("id", Stat.QUANTILE, 0.5, Optional.empty());

    try (Dataset data = openCsv(writeCsv("rows.csv", rows))) {
      MetricValues values =
          data.compute(
              List.of(
                  rowCount,
                  lateCount,
                  bigCount,
                  nullAmount,
                  lateMean,
                  lateStddev,
                  lateSum,
                  min,
                  max,
                  minDay,
                  flagMean,
                  maxLength,
                  meanLength,
                  distinctNames,
                  distinctPairs,
                  median));
      assertThat(values.count(rowCount)).isEqualTo(200);
      assertThat(values.count(lateCount)).isEqualTo(150);
      assertThat(values.count(bigCount))
          .isEqualTo(rows.stream().filter(r -> r.amount() != null && r.amount() > 50).count());
      assertThat(values.count(nullAmount))
          .isEqualTo(rows.stream().filter(r -> r.amount() == null).count());
      assertThat(values.get(lateMean).getAsDouble()).isCloseTo(mean, within(1e-9));
      assertThat(values.get(lateStddev).getAsDouble()).isCloseTo(Math.sqrt(variance), within(1e-9));
      assertThat(values.get(lateSum).getAsDouble())
          .isCloseTo(lateAmounts.stream().mapToDouble(d -> d).sum(), within(1e-9));
      assertThat(values.get(min).getAsDouble())
          .isEqualTo(
              rows.stream()
                  .map(Row::amount)
                  .filter(a -> a != null)
                  .min(Double::compare)
                  .orElseThrow());
      assertThat(values.get(max).getAsDouble())
          .isEqualTo(
              rows.stream()
                  .map(Row::amount)
                  .filter(a -> a != null)
                  .max(Double::compare)
                  .orElseThrow());
      LocalDate firstDay = rows.stream().map(Row::day).min(LocalDate::compareTo).orElseThrow();
      assertThat(values.get(minDay).getAsDouble())
          .isEqualTo(firstDay.atStartOfDay().toEpochSecond(ZoneOffset.UTC) * 1_000_000.0);
      assertThat(values.get(flagMean).getAsDouble())
          .isCloseTo(rows.stream().filter(Row::flag).count() / 200.0, within(1e-12));
      List<String> names = rows.stream().map(Row::name).filter(n -> n != null).toList();
      assertThat(values.get(maxLength).getAsDouble())
          .isEqualTo(names.stream().mapToInt(String::length).max().orElseThrow());
      assertThat(values.get(meanLength).getAsDouble())
          .isCloseTo(names.stream().mapToInt(String::length).average().orElseThrow(), within(1e-9));
      assertThat(values.count(distinctNames)).isEqualTo(new HashSet<>(names).size());
      Set<List<Object>> pairs = new HashSet<>();
      lateRows.stream()
          .filter(r -> r.name() != null)
          .forEach(r -> pairs.add(List.of(r.name(), r.flag())));
      assertThat(values.count(distinctPairs)).isEqualTo(pairs.size());
      assertThat(values.get(median).getAsDouble()).isCloseTo(100, within(2.0));
    }
  }

  @Test
  void allMetricsOfARunAreOneFusedSelectAndEqualMetricsAreComputedOnce() throws IOException {
    try (DuckDbDataset data = (DuckDbDataset) openCsv(writeCsv("rows.csv", rows()))) {
      int before = data.statementsExecuted();
      List<Metric> metrics = new ArrayList<>();
      for (Stat stat : List.of(Stat.MIN, Stat.MAX, Stat.MEAN, Stat.STDDEV, Stat.NULL_COUNT)) {
        metrics.add(Metric.Aggregate.of("amount", stat));
        metrics.add(Metric.Aggregate.of("amount", stat));
      }
      metrics.add(new Metric.RowCount(Optional.empty()));
      metrics.add(new Metric.DistinctCount(List.of("id"), Optional.empty()));
      MetricValues values = data.compute(metrics);
      assertThat(data.statementsExecuted() - before).isEqualTo(1);
      assertThat(values.asMap()).hasSize(7);
    }
  }

  @Test
  void metricsOnUnknownColumnsOrUnfitTypesAreRejectedWithTheColumn() throws IOException {
    try (Dataset data = openCsv(writeCsv("rows.csv", rows()))) {
      assertThatThrownBy(() -> data.compute(List.of(Metric.Aggregate.of("nope", Stat.MEAN))))
          .isInstanceOf(InvalidMetricException.class)
          .hasMessageContaining("'nope'")
          .hasMessageContaining("[id, amount, name, day, flag]");
      assertThatThrownBy(() -> data.compute(List.of(Metric.Aggregate.of("name", Stat.MIN))))
          .isInstanceOf(InvalidMetricException.class)
          .hasMessage(
              "min(name) needs a numeric, date or timestamp column, but 'name' is string (VARCHAR)");
    }
  }

  @Test
  void parquetJsonArrayAndJsonLinesReadTheSameRows() throws IOException {
    Path csv = writeCsv("rows.csv", rows());
    try (Dataset data = openCsv(csv)) {
      for (String name : List.of("rows.parquet", "rows.json", "rows.jsonl")) {
        data.split(Expr.literal(false), dir.resolve(name), dir.resolve("none-" + name));
      }
    }
    for (String name : List.of("rows.parquet", "rows.json", "rows.jsonl")) {
      try (Dataset copy =
          engine.open(DataSources.parse(dir.resolve(name).toString(), Optional.empty()))) {
        Metric count = new Metric.RowCount(Optional.empty());
        Metric sum = Metric.Aggregate.of("id", Stat.SUM);
        MetricValues values = copy.compute(List.of(count, sum));
        assertThat(values.count(count)).as(name).isEqualTo(200);
        assertThat(values.get(sum).getAsDouble()).as(name).isEqualTo(200 * 201 / 2.0);
        assertThat(copy.schema().names()).as(name).contains("id", "amount", "name", "day", "flag");
      }
    }
  }

  @Test
  void globAndFolderDatasetsUniteFilesAndNumberRowsWithinEachFile() throws IOException {
    Files.createDirectories(dir.resolve("parts"));
    Files.writeString(dir.resolve("parts/a.csv"), "id,v\n1,x\n2,y\n3,bad\n");
    Files.writeString(dir.resolve("parts/b.csv"), "v,id,extra\nbad,4,e\nz,5,f\n");
    Expr bad =
        new Expr.Binary(
            Expr.BinaryOp.EQ, Expr.column("v"), Expr.literal("bad"), Expr.Position.NONE);
    for (String location : List.of(dir + "/parts", dir + "/parts/*.csv")) {
      try (Dataset data = engine.open(DataSources.parse(location, Optional.empty()))) {
        assertThat(data.schema().names()).containsExactlyInAnyOrder("id", "v", "extra");
        Metric count = new Metric.RowCount(Optional.empty());
        assertThat(data.compute(List.of(count)).count(count)).isEqualTo(5);
        List<Map<String, Object>> sample = data.sampleRows(bad, Optional.empty(), 10);
        assertThat(sample).hasSize(2);
        assertThat(sample.get(0))
            .containsEntry(Dataset.ROW, 3L)
            .containsEntry(Dataset.FILE, dir.resolve("parts/a.csv").toString())
            .containsEntry("id", 3L);
        assertThat(sample.get(1))
            .containsEntry(Dataset.ROW, 1L)
            .containsEntry(Dataset.FILE, dir.resolve("parts/b.csv").toString());
      }
    }
  }

  @Test
  void sampleRowsCarryTheirRowNumberInFileOrder() throws IOException {
    List<Row> rows = rows();
    Expr nullAmount = Expr.isNull(Expr.column("amount"));
    Expr small =
        new Expr.Binary(Expr.BinaryOp.LT, Expr.column("id"), Expr.literal(100), Expr.Position.NONE);
    try (Dataset data = openCsv(writeCsv("rows.csv", rows))) {
      List<Map<String, Object>> sample = data.sampleRows(nullAmount, Optional.of(small), 5);
      assertThat(sample)
          .extracting(r -> r.get(Dataset.ROW))
          .containsExactly(7L, 14L, 21L, 28L, 35L);
      assertThat(sample).extracting(r -> r.get("id")).containsExactly(7L, 14L, 21L, 28L, 35L);
      assertThat(sample.get(0))
          .containsEntry("day", rows.get(6).day())
          .containsEntry("amount", null);
      assertThat(sample.get(0).keySet())
          .containsExactly("_row", "id", "amount", "name", "day", "flag");
    }
  }

  @Test
  void parquetRowNumbersComeFromTheFile() throws IOException {
    Path csv = writeCsv("rows.csv", rows());
    Path parquet = dir.resolve("rows.parquet");
    try (Dataset data = openCsv(csv)) {
      data.split(Expr.literal(false), parquet, dir.resolve("none.csv"));
    }
    Expr id150 =
        new Expr.Binary(Expr.BinaryOp.EQ, Expr.column("id"), Expr.literal(150), Expr.Position.NONE);
    try (Dataset data = engine.open(DataSource.Files.of(parquet, Format.PARQUET))) {
      assertThat(data.sampleRows(id150, Optional.empty(), 3))
          .singleElement()
          .satisfies(r -> assertThat(r).containsEntry(Dataset.ROW, 150L));
    }
  }

  @Test
  void exportWritesEveryRowWithTheSchemasColumnsOnly() throws IOException {
    Path parquet = dir.resolve("all.parquet");
    try (Dataset data = openCsv(writeCsv("rows.csv", rows()))) {
      assertThat(data.export(parquet)).isEqualTo(200);
    }
    Metric nulls = Metric.Aggregate.of("amount", Stat.NULL_COUNT);
    try (Dataset written = engine.open(DataSource.Files.of(parquet, Format.PARQUET))) {
      assertThat(written.schema().names()).containsExactly("id", "amount", "name", "day", "flag");
      assertThat(written.compute(List.of(nulls)).get(nulls).getAsDouble())
          .isEqualTo(rows().stream().filter(r -> r.amount() == null).count());
    }
  }

  @Test
  void exportToANameWithoutAFormatIsRefused() throws IOException {
    try (Dataset data = openCsv(writeCsv("rows.csv", rows()))) {
      assertThatThrownBy(() -> data.export(dir.resolve("rows.bin")))
          .isInstanceOf(dev.tend.source.DataException.class)
          .hasMessageContaining("rows.bin");
    }
    assertThat(dir.resolve("rows.bin")).doesNotExist();
  }

  @Test
  void duplicateRowsListEveryRowOfARepeatedKey() throws IOException {
    Path csv = Files.writeString(dir.resolve("d.csv"), "k,v\n1,a\n2,b\n1,c\n,d\n,e\n3,f\n1,g\n");
    try (Dataset data = openCsv(csv)) {
      List<Map<String, Object>> duplicates = data.duplicateRows(List.of("k"), Optional.empty(), 10);
      assertThat(duplicates).extracting(r -> r.get("v")).containsExactly("a", "c", "g");
      assertThat(duplicates).extracting(r -> r.get(Dataset.ROW)).containsExactly(1L, 3L, 7L);
      assertThat(duplicates.get(0)).containsEntry(Dataset.DUPLICATES, 3L);
    }
  }

  @Test
  void splitWritesPassingAndFailingRowsWhoseCountsAddUp() throws IOException {
    List<Row> rows = rows();
    Expr invalid = Expr.isNull(Expr.column("amount"));
    try (Dataset data = openCsv(writeCsv("rows.csv", rows))) {
      SplitResult result =
          data.split(invalid, dir.resolve("valid.parquet"), dir.resolve("invalid.csv"));
      long nulls = rows.stream().filter(r -> r.amount() == null).count();
      assertThat(result.invalidRows()).isEqualTo(nulls);
      assertThat(result.validRows()).isEqualTo(200 - nulls);
      assertThat(result.totalRows()).isEqualTo(200);
    }
    Metric count = new Metric.RowCount(Optional.empty());
    try (Dataset valid =
            engine.open(DataSource.Files.of(dir.resolve("valid.parquet"), Format.PARQUET));
        Dataset invalidRows = openCsv(dir.resolve("invalid.csv"))) {
      assertThat(valid.compute(List.of(count)).count(count))
          .isEqualTo(rows.stream().filter(r -> r.amount() != null).count());
      assertThat(invalidRows.compute(List.of(count)).count(count))
          .isEqualTo(rows.stream().filter(r -> r.amount() == null).count());
    }
  }

  @Test
  void valueCountsMatchCountsComputedInJava() throws IOException {
    List<Row> rows = rows();
    Map<Integer, Map<Object, Long>> seen = new HashMap<>();
    try (Dataset data = openCsv(writeCsv("rows.csv", rows))) {
      data.scanValueCounts(
          List.of("name", "flag", "day", "amount"),
          (column, value, count) ->
              assertThat(seen.computeIfAbsent(column, c -> new HashMap<>()).put(value, count))
                  .isNull());
    }
    Map<Object, Long> names = new HashMap<>();
    Map<Object, Long> flags = new HashMap<>();
    Map<Object, Long> days = new HashMap<>();
    Map<Object, Long> amounts = new HashMap<>();
    for (Row row : rows) {
      names.merge(row.name() == null ? NullKey.NULL : row.name(), 1L, Long::sum);
      flags.merge(row.flag(), 1L, Long::sum);
      days.merge(
          row.day().atStartOfDay().toEpochSecond(ZoneOffset.UTC) * 1_000_000L, 1L, Long::sum);
      amounts.merge(row.amount() == null ? NullKey.NULL : row.amount(), 1L, Long::sum);
    }
    assertThat(replaceNull(seen.get(0))).isEqualTo(names);
    assertThat(replaceNull(seen.get(1))).isEqualTo(flags);
    assertThat(replaceNull(seen.get(2))).isEqualTo(days);
    assertThat(replaceNull(seen.get(3))).isEqualTo(amounts);
  }

  private enum NullKey {
    NULL
  }

  private static Map<Object, Long> replaceNull(Map<Object, Long> counts) {
    Map<Object, Long> copy = new HashMap<>();
    counts.forEach((k, v) -> copy.put(k == null ? NullKey.NULL : k, v));
    return copy;
  }

  @Test
  void malformedRowReportsFileAndLineInASmallFile() throws IOException {
    Path csv = Files.writeString(dir.resolve("bad.csv"), "a,b,c\n1,x,2\n2,\"y,z\",3\n3,w\n4,v,5\n");
    assertThatThrownBy(() -> openCsv(csv))
        .isInstanceOfSatisfying(
            MalformedInputException.class,
            e -> {
              java.util.Arrays.stream(e.getCause().getSuppressed())
                  .forEach(Throwable::printStackTrace);
              assertThat(e.file()).isEqualTo(csv.toString());
              assertThat(e.line()).isEqualTo(4);
              assertThat(e.getMessage())
                  .isEqualTo(csv + ", line 4: Expected Number of Columns: 3 Found: 2");
            });
  }

  @Test
  void malformedRowBeyondTheSnifferSampleReportsItsLineWhenScanned() throws IOException {
    StringBuilder text = new StringBuilder("a,b\n");
    for (int i = 1; i <= 30_000; i++) {
      text.append(i).append(",x").append(i).append('\n');
    }
    text.append("30001,\"unterminated\n");
    for (int i = 30_002; i <= 30_010; i++) {
      text.append(i).append(",x\n");
    }
    Path csv = Files.writeString(dir.resolve("late.csv"), text);
    try (Dataset data = openCsv(csv)) {
      Metric count = new Metric.RowCount(Optional.empty());
      assertThatThrownBy(() -> data.compute(List.of(count)))
          .isInstanceOfSatisfying(
              MalformedInputException.class,
              e -> {
                assertThat(e.file()).isEqualTo(csv.toString());
                assertThat(e.line()).isEqualTo(30_002);
                assertThat(e.reason()).contains("unterminated quote");
              });
    }
  }

  @Test
  void latin1FileDecodesWhenDeclaredAndOtherwiseNamesTheBadLine() throws IOException {
    Path csv = dir.resolve("latin.csv");
    Files.write(csv, "city,n\nZürich,1\nSão Paulo,2\n".getBytes(StandardCharsets.ISO_8859_1));
    DataSource.Files latin =
        DataSources.parse(csv.toString(), Optional.empty())
            .withCsv(CsvOptions.defaults().withEncoding(CsvOptions.Encoding.LATIN_1));
    try (Dataset data = engine.open(latin)) {
      Expr any = Expr.literal(true);
      assertThat(data.sampleRows(any, Optional.empty(), 5))
          .extracting(r -> r.get("city"))
          .containsExactly("Zürich", "São Paulo");
    }
    assertThatThrownBy(() -> openCsv(csv))
        .isInstanceOfSatisfying(
            MalformedInputException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason()).contains("not utf-8");
            });
  }

  @Test
  void quotedFieldsKeepDelimitersQuotesAndNewlines() throws IOException {
    Path csv =
        Files.writeString(
            dir.resolve("q.csv"), "id;text\n1;\"a;b\"\n2;\"say \"\"hi\"\"\nthere\"\n3;NA\n");
    DataSource.Files source =
        DataSources.parse(csv.toString(), Optional.empty())
            .withCsv(CsvOptions.defaults().withDelimiter(';').withNullStrings(List.of("NA")));
    try (Dataset data = engine.open(source)) {
      List<Map<String, Object>> all = data.sampleRows(Expr.literal(true), Optional.empty(), 10);
      assertThat(all)
          .extracting(r -> r.get("text"))
          .containsExactly("a;b", "say \"hi\"\nthere", null);
    }
  }

  @Test
  void explicitColumnTypesOverrideInference() throws IOException {
    Path csv = Files.writeString(dir.resolve("t.csv"), "code,n\n007,1\n042,2\n");
    DataSource.Files source =
        DataSources.parse(csv.toString(), Optional.empty())
            .withCsv(CsvOptions.defaults().withColumnTypes(Map.of("code", DataType.STRING)));
    try (Dataset data = engine.open(source)) {
      assertThat(data.schema().column("code").orElseThrow().type()).isEqualTo(DataType.STRING);
      assertThat(data.sampleRows(Expr.literal(true), Optional.empty(), 1).get(0))
          .containsEntry("code", "007");
    }
  }

  @Test
  void closingADatasetDropsItsViewAndLeavesTheEngineUsable() throws IOException {
    Path csv = writeCsv("rows.csv", rows());
    Dataset data = openCsv(csv);
    data.close();
    Metric count = new Metric.RowCount(Optional.empty());
    assertThatThrownBy(() -> data.compute(List.of(count)))
        .isInstanceOf(IllegalStateException.class);
    try (Dataset again = openCsv(csv)) {
      assertThat(again.compute(List.of(count)).count(count)).isEqualTo(200);
    }
  }
}
