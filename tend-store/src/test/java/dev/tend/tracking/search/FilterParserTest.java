package dev.tend.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.tracking.search.Filter.Comparator;
import dev.tend.tracking.search.Filter.Comparison;
import dev.tend.tracking.search.Filter.Entity;
import dev.tend.tracking.search.Filter.Key;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterParserTest {

  private static Filter parse(String text) {
    return FilterParser.parse(text, SearchTarget.RUNS).orElseThrow();
  }

  @Test
  void parsesMlflowsForms() {
    assertThat(parse("metrics.acc > 0.9"))
        .isEqualTo(
            new Comparison(
                new Key(Entity.METRIC, "acc"), Comparator.GT, new Filter.Number("0.9", 0.9), 1));
    assertThat(parse("metric.`val loss` <= -1e-3"))
        .isEqualTo(
            new Comparison(
                new Key(Entity.METRIC, "val loss"),
                Comparator.LE,
                new Filter.Number("-1e-3", -1e-3),
                1));
    assertThat(parse("params.\"my param\" = \"a\"")).isEqualTo(text(Entity.PARAM, "my param", "a"));
    assertThat(parse("tags.mlflow.source.type = 'LOCAL'"))
        .isEqualTo(text(Entity.TAG, "mlflow.source.type", "LOCAL"));
    assertThat(parse("`tags`.t = 'it''s'")).isEqualTo(text(Entity.TAG, "t", "it's"));
    assertThat(parse("created > 5"))
        .isEqualTo(
            new Comparison(
                new Key(Entity.ATTRIBUTE, "start_time"),
                Comparator.GT,
                new Filter.Number("5", 5),
                1));
    assertThat(parse("attributes.run_id not in ('a', 'b')"))
        .isEqualTo(
            new Comparison(
                new Key(Entity.ATTRIBUTE, "run_id"),
                Comparator.NOT_IN,
                new Filter.TextList(List.of("a", "b")),
                1));
    assertThat(parse("params.m ilike '%x%'"))
        .isInstanceOf(Comparison.class)
        .extracting(c -> ((Comparison) c).comparator())
        .isEqualTo(Comparator.ILIKE);
    assertThat(FilterParser.parse("   ", SearchTarget.RUNS)).isEmpty();
  }

  @Test
  void andBindsTighterThanOrAndParenthesesGroup() {
    Filter filter = parse("metrics.a > 1 OR metrics.b > 2 AND metrics.c > 3");
    assertThat(filter).isInstanceOf(Filter.Or.class);
    assertThat(((Filter.Or) filter).parts().get(1)).isInstanceOf(Filter.And.class);

    Filter grouped = parse("(metrics.a > 1 OR metrics.b > 2) AND metrics.c > 3");
    assertThat(grouped).isInstanceOf(Filter.And.class);
    assertThat(((Filter.And) grouped).parts().get(0)).isInstanceOf(Filter.Or.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      textBlock =
          """
          metrics.acc > 0.5 AND params.lr == '1'     | 33 | unknown comparator '=='
          metrics.acc >                              | 14 | expected a value
          metrics.acc 0.5                            | 13 | expected a comparator
          metrics.acc > 'high'                       | 15 | compared with a number
          params.lr > '1'                            | 11 | compared with =, !=, LIKE or ILIKE
          params.lr = 1                              | 13 | quoted string
          foo.bar = 'x'                              | 1  | unknown entity 'foo'
          attributes.colour = 'red'                  | 1  | unknown attribute 'colour'
          colour = 'red'                             | 1  | unknown attribute 'colour'
          metrics.acc > 1 AND                        | 20 | expected a comparison
          (metrics.acc > 1                           | 17 | expected ')' to close the '(' at position 1
          metrics.acc > 1)                           | 16 | expected AND, OR
          params.lr = 'open                          | 13 | never closed
          params.lr IN ('a')                         | 11 | IN is only for attributes.run_id
          run_id IN 'a'                              | 11 | parenthesized list
          run_id IN ('a' 'b')                        | 16 | expected ',' or ')'
          attributes.start_time > 1.5                | 25 | whole number
          metrics.acc > 1 metrics.b > 2              | 17 | expected AND, OR
          metrics. > 1                               | 9  | expected a name
          metrics.a ! 1                              | 11 | '!' must be followed by '='
          metrics.a > 1 OR # 2                       | 18 | unexpected character '#'
          datasets.size = '1'                        | 1  | unknown dataset key
          """)
  void malformedFiltersNameThePosition(String filter, int position, String message) {
    assertThatThrownBy(() -> FilterParser.parse(filter.strip(), SearchTarget.RUNS))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageContaining("at position " + position + ":")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((FilterSyntaxException) e).position()).isEqualTo(position));
  }

  @Test
  void orderByClauses() {
    assertThat(FilterParser.parseOrderBy("metrics.acc DESC", SearchTarget.RUNS))
        .isEqualTo(new OrderKey(new Key(Entity.METRIC, "acc"), false));
    assertThat(FilterParser.parseOrderBy("`params`.`my lr`", SearchTarget.RUNS))
        .isEqualTo(new OrderKey(new Key(Entity.PARAM, "my lr"), true));
    assertThat(FilterParser.parseOrderBy("created asc", SearchTarget.RUNS))
        .isEqualTo(new OrderKey(new Key(Entity.ATTRIBUTE, "start_time"), true));
    assertThat(FilterParser.parseOrderBy("name", SearchTarget.EXPERIMENTS))
        .isEqualTo(new OrderKey(new Key(Entity.ATTRIBUTE, "name"), true));
    assertThatThrownBy(() -> FilterParser.parseOrderBy("metrics.acc sideways", SearchTarget.RUNS))
        .hasMessageContaining("at position 13: expected ASC, DESC");
    assertThatThrownBy(() -> FilterParser.parseOrderBy("attributes.nope", SearchTarget.RUNS))
        .hasMessageContaining("cannot order by attribute 'nope'");
  }

  @Property(tries = 300)
  void anyGeneratedFilterParsesBackToItsTree(@ForAll("filters") Filter filter) {
    String text = render(filter);
    Filter parsed = FilterParser.parse(text, SearchTarget.RUNS).orElseThrow();
    assertThat(render(parsed)).isEqualTo(text);
  }

  @Property(tries = 300)
  void truncatedFiltersFailWithAPositionInsideTheText(@ForAll("filters") Filter filter) {
    String text = render(filter);
    for (int cut = 1; cut < text.length(); cut++) {
      String prefix = text.substring(0, cut);
      try {
        FilterParser.parse(prefix, SearchTarget.RUNS);
      } catch (FilterSyntaxException e) {
        assertThat(e.position()).isBetween(1, prefix.length() + 1);
      }
    }
  }

  @Property(tries = 500)
  void arbitraryTextEitherParsesOrFailsWithAPosition(@ForAll("noise") String text) {
    try {
      Optional<Filter> parsed = FilterParser.parse(text, SearchTarget.RUNS);
      assertThat(parsed.isPresent()).isEqualTo(!text.isBlank());
    } catch (FilterSyntaxException e) {
      assertThat(e.position()).isBetween(1, text.length() + 1);
    }
  }

  @Provide
  Arbitrary<String> noise() {
    return Arbitraries.strings()
        .withChars("metrics.params.tags. ()'\"`=<>!,ANDORINLIKE0123456789_-")
        .ofMaxLength(40);
  }

  @Provide
  Arbitrary<Filter> filters() {
    Arbitrary<Filter> leaf =
        Arbitraries.oneOf(
            Arbitraries.of("acc", "val loss", "a.b")
                .flatMap(
                    key ->
                        Arbitraries.of(Comparator.GT, Comparator.LE, Comparator.NE, Comparator.EQ)
                            .flatMap(
                                op ->
                                    Arbitraries.integers()
                                        .between(-50, 50)
                                        .map(
                                            n ->
                                                (Filter)
                                                    new Comparison(
                                                        new Key(Entity.METRIC, key),
                                                        op,
                                                        new Filter.Number(String.valueOf(n), n),
                                                        1)))),
            Arbitraries.of("lr", "my param")
                .flatMap(
                    key ->
                        Arbitraries.of(Comparator.EQ, Comparator.LIKE, Comparator.ILIKE)
                            .flatMap(
                                op ->
                                    Arbitraries.strings()
                                        .withChars("ab%_' ")
                                        .ofMaxLength(5)
                                        .map(
                                            s ->
                                                (Filter)
                                                    new Comparison(
                                                        new Key(Entity.PARAM, key),
                                                        op,
                                                        new Filter.Text(s),
                                                        1)))));
    return Arbitraries.recursive(
        () -> leaf,
        inner ->
            Arbitraries.oneOf(
                inner.list().ofMinSize(2).ofMaxSize(3).map(Filter.And::new),
                inner.list().ofMinSize(2).ofMaxSize(3).map(Filter.Or::new)),
        0,
        3);
  }

  private static String render(Filter filter) {
    return switch (filter) {
      case Filter.And and ->
          String.join(" AND ", and.parts().stream().map(FilterParserTest::group).toList());
      case Filter.Or or ->
          String.join(" OR ", or.parts().stream().map(FilterParserTest::group).toList());
      case Comparison c ->
          c.key().entity().prefix()
              + ".`"
              + c.key().name()
              + "` "
              + c.comparator().symbol()
              + " "
              + switch (c.value()) {
                case Filter.Number n -> n.literal();
                case Filter.Text t -> "'" + t.text().replace("'", "''") + "'";
                case Filter.TextList l -> l.texts().toString();
              };
    };
  }

  private static String group(Filter filter) {
    return filter instanceof Comparison ? render(filter) : "(" + render(filter) + ")";
  }

  private static Comparison text(Entity entity, String key, String value) {
    return new Comparison(new Key(entity, key), Comparator.EQ, new Filter.Text(value), 1);
  }
}
