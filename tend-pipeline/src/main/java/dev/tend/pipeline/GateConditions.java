package dev.tend.pipeline;

import dev.tend.pipeline.GateCondition.Champion;
import dev.tend.pipeline.GateCondition.Comparison;
import dev.tend.pipeline.GateCondition.Constant;
import dev.tend.pipeline.GateCondition.Operand;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses gate conditions: {@code metric op number} or {@code metric op champion.metric [+|-
 * number]}, where {@code op} is one of {@code >= > <= < ==}.
 */
public final class GateConditions {
  private GateConditions() {}

  /** A condition that does not parse; {@link #offset()} is the character where it went wrong. */
  public static final class SyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    SyntaxException(int offset, String message) {
      super(message);
      this.offset = offset;
    }

    public int offset() {
      return offset;
    }
  }

  private enum Kind {
    NAME,
    NUMBER,
    OPERATOR,
    DOT,
    PLUS,
    MINUS,
    END
  }

  private record Token(Kind kind, String text, int offset) {}

  /** Parses one condition. */
  public static GateCondition parse(String text) {
    List<Token> tokens = lex(text);
    int[] at = {0};
    Token metric = expect(tokens, at, Kind.NAME, "a metric name such as auc or f1");
    Token op = expect(tokens, at, Kind.OPERATOR, "a comparison (>=, >, <=, <, ==)");
    Comparison comparison = comparison(op);
    Operand right;
    Token next = tokens.get(at[0]);
    if (next.kind() == Kind.NAME) {
      if (!next.text().equals("champion")) {
        throw new SyntaxException(
            next.offset(),
            "expected a number or champion.<metric> after '"
                + op.text()
                + "', found '"
                + next.text()
                + "'");
      }
      at[0]++;
      expect(tokens, at, Kind.DOT, "'.' after champion (champion.<metric>)");
      Token championMetric = expect(tokens, at, Kind.NAME, "a metric name after 'champion.'");
      double offset = 0;
      Token sign = tokens.get(at[0]);
      if (sign.kind() == Kind.PLUS || sign.kind() == Kind.MINUS) {
        at[0]++;
        Token amount = expect(tokens, at, Kind.NUMBER, "a number after '" + sign.text() + "'");
        offset = Double.parseDouble(amount.text());
        if (sign.kind() == Kind.MINUS) {
          offset = -offset;
        }
      }
      right = new Champion(championMetric.text(), offset);
    } else {
      boolean negative = false;
      if (next.kind() == Kind.MINUS) {
        negative = true;
        at[0]++;
      }
      Token number = expect(tokens, at, Kind.NUMBER, "a number or champion.<metric>");
      double value = Double.parseDouble(number.text());
      right = new Constant(negative ? -value : value);
    }
    Token end = tokens.get(at[0]);
    if (end.kind() != Kind.END) {
      throw new SyntaxException(end.offset(), "unexpected '" + end.text() + "' after condition");
    }
    return new GateCondition(metric.text(), comparison, right);
  }

  private static Comparison comparison(Token op) {
    for (Comparison comparison : Comparison.values()) {
      if (comparison.symbol().equals(op.text())) {
        return comparison;
      }
    }
    throw new SyntaxException(op.offset(), "unknown comparison '" + op.text() + "'");
  }

  private static Token expect(List<Token> tokens, int[] at, Kind kind, String what) {
    Token token = tokens.get(at[0]);
    if (token.kind() != kind) {
      String found = token.kind() == Kind.END ? "the end" : "'" + token.text() + "'";
      throw new SyntaxException(token.offset(), "expected " + what + ", found " + found);
    }
    at[0]++;
    return token;
  }

  private static List<Token> lex(String text) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        while (i < text.length()
            && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
          i++;
        }
        tokens.add(new Token(Kind.NAME, text.substring(start, i), start));
      } else if (Character.isDigit(c)
          || (c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
        while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
          i++;
        }
        String number = text.substring(start, i);
        try {
          Double.parseDouble(number);
        } catch (NumberFormatException e) {
          throw new SyntaxException(start, "'" + number + "' is not a number");
        }
        tokens.add(new Token(Kind.NUMBER, number, start));
      } else if (c == '>' || c == '<' || c == '=' || c == '!') {
        while (i < text.length() && "<>=!".indexOf(text.charAt(i)) >= 0) {
          i++;
        }
        tokens.add(new Token(Kind.OPERATOR, text.substring(start, i), start));
      } else if (c == '.') {
        tokens.add(new Token(Kind.DOT, ".", i++));
      } else if (c == '+') {
        tokens.add(new Token(Kind.PLUS, "+", i++));
      } else if (c == '-') {
        tokens.add(new Token(Kind.MINUS, "-", i++));
      } else {
        throw new SyntaxException(i, "unexpected character '" + c + "'");
      }
    }
    tokens.add(new Token(Kind.END, "", text.length()));
    return tokens;
  }
}
