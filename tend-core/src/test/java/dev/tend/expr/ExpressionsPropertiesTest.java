package dev.tend.expr;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ExpressionsPropertiesTest {
  @Property(tries = 2000)
  void formattedTreesParseBackToTheSameTree(@ForAll("trees") Expr tree) {
    String text = Expressions.format(tree);
    assertThat(Expressions.withoutPositions(Expressions.parse(text))).as(text).isEqualTo(tree);
  }

  @Property(tries = 500)
  void formattingIsCanonical(@ForAll("trees") Expr tree) {
    String text = Expressions.format(tree);
    assertThat(Expressions.format(Expressions.parse(text))).isEqualTo(text);
  }

  @Property(tries = 3000)
  void parserOnlyEverThrowsExpressionException(@ForAll("noise") String text) {
    try {
      Expressions.parse(text);
    } catch (ExpressionException e) {
      assertThat(e.position().line()).isPositive();
      assertThat(e.position().column()).isPositive();
    }
  }

  @Property(tries = 2000)
  void parserSurvivesMutatedValidText(@ForAll("trees") Expr tree, @ForAll long seed) {
    StringBuilder text = new StringBuilder(Expressions.format(tree));
    java.util.Random random = new java.util.Random(seed);
    int edits = 1 + random.nextInt(3);
    for (int k = 0; k < edits && !text.isEmpty(); k++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(3)) {
        case 0 -> text.deleteCharAt(at);
        case 1 -> text.insert(at, "()'\"`-,.eE0 ".charAt(random.nextInt(12)));
        default -> text.setCharAt(at, (char) random.nextInt(128));
      }
    }
    try {
      Expressions.parse(text.toString());
    } catch (ExpressionException e) {
      assertThat(e.position().isKnown()).isTrue();
    }
  }

  @Provide
  Arbitrary<Expr> trees() {
    return RandomExprs.anyTrees();
  }

  @Provide
  Arbitrary<String> noise() {
    Arbitrary<String> tokens =
        Arbitraries.of(
            "a",
            "b1",
            "\"q\"",
            "`x`",
            "'s'",
            "'",
            "\"",
            "`",
            "1",
            "1.5",
            "1e",
            "-",
            "+",
            "*",
            "/",
            "%",
            "(",
            ")",
            ",",
            "=",
            "==",
            "!=",
            "<>",
            "<",
            "<=",
            ">",
            ">=",
            "AND",
            "or",
            "not",
            "BETWEEN",
            "in",
            "LIKE",
            "ilike",
            "IS",
            "NULL",
            "true",
            "DATE",
            "TIMESTAMP",
            "'2024-01-01'",
            "abs",
            "round",
            "conforms",
            "\n",
            " ",
            "!",
            "#",
            "\u00e9",
            ".");
    return Arbitraries.oneOf(
        tokens.list().ofMaxSize(30).map(list -> String.join(" ", list)),
        tokens.list().ofMaxSize(30).map(list -> String.join("", list)),
        Arbitraries.strings().ofMaxLength(60));
  }
}
