package dev.tend.expr;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Splits expression text into tokens, each with the line and column where it starts. */
final class Lexer {
  /** Words with a meaning of their own; they name a column only when quoted. */
  static final Set<String> KEYWORDS =
      Set.of(
          "AND",
          "OR",
          "NOT",
          "BETWEEN",
          "IN",
          "LIKE",
          "ILIKE",
          "IS",
          "NULL",
          "TRUE",
          "FALSE",
          "DATE",
          "TIMESTAMP");

  enum Kind {
    /** A bare word: a keyword, a column or a function name. */
    WORD,
    /** A double-quoted or backquoted identifier. */
    QUOTED,
    NUMBER,
    STRING,
    SYMBOL,
    END
  }

  /** One token; {@code text} is the decoded value for strings and quoted identifiers. */
  record Token(Kind kind, String text, Expr.Position position) {
    Token {
      requireNonNull(kind, "kind is null");
      requireNonNull(text, "text is null");
      requireNonNull(position, "position is null");
    }

    boolean isKeyword(String keyword) {
      return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    boolean isSymbol(String symbol) {
      return kind == Kind.SYMBOL && text.equals(symbol);
    }

    /** How the token reads in an error message. */
    String describe() {
      return switch (kind) {
        case WORD ->
            KEYWORDS.contains(text.toUpperCase(Locale.ROOT))
                ? "'" + text.toUpperCase(Locale.ROOT) + "'"
                : "identifier '" + text + "'";
        case QUOTED -> "identifier \"" + abbreviate(text) + "\"";
        case NUMBER -> "number " + text;
        case STRING -> "string '" + abbreviate(text) + "'";
        case SYMBOL -> "'" + text + "'";
        case END -> "end of expression";
      };
    }

    private static String abbreviate(String text) {
      return text.length() <= 24 ? text : text.substring(0, 21) + "...";
    }
  }

  private static final List<String> SYMBOLS =
      List.of("==", "!=", "<>", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",");

  private final String text;
  private int offset;
  private int line = 1;
  private int column = 1;

  private Lexer(String text) {
    this.text = text;
  }

  static List<Token> tokenize(String text) {
    return new Lexer(text).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipWhitespace();
      Expr.Position start = new Expr.Position(line, column);
      if (offset >= text.length()) {
        tokens.add(new Token(Kind.END, "", start));
        return tokens;
      }
      char c = text.charAt(offset);
      if (isIdentifierStart(c)) {
        int from = offset;
        while (offset < text.length() && isIdentifierPart(text.charAt(offset))) {
          advance();
        }
        tokens.add(new Token(Kind.WORD, text.substring(from, offset), start));
      } else if (isDigit(c) || (c == '.' && offset + 1 < text.length() && isDigit(peek(1)))) {
        tokens.add(new Token(Kind.NUMBER, number(start), start));
      } else if (c == '\'') {
        tokens.add(new Token(Kind.STRING, quoted('\'', "string literal", start), start));
      } else if (c == '"' || c == '`') {
        String name = quoted(c, "quoted identifier", start);
        if (name.isEmpty()) {
          throw new ExpressionException("empty quoted identifier; write a column name", start);
        }
        tokens.add(new Token(Kind.QUOTED, name, start));
      } else {
        tokens.add(new Token(Kind.SYMBOL, symbol(start), start));
      }
    }
  }

  private String number(Expr.Position start) {
    int from = offset;
    digits();
    if (offset < text.length() && text.charAt(offset) == '.') {
      advance();
      digits();
    }
    if (offset < text.length() && (text.charAt(offset) == 'e' || text.charAt(offset) == 'E')) {
      advance();
      if (offset < text.length() && (text.charAt(offset) == '+' || text.charAt(offset) == '-')) {
        advance();
      }
      if (offset >= text.length() || !isDigit(text.charAt(offset))) {
        throw new ExpressionException(
            "malformed number '"
                + text.substring(from, offset)
                + "': expected digits after the exponent",
            start);
      }
      digits();
    }
    if (offset < text.length() && isIdentifierPart(text.charAt(offset))) {
      throw new ExpressionException(
          "malformed number: unexpected '"
              + text.charAt(offset)
              + "' after '"
              + text.substring(from, offset)
              + "'",
          new Expr.Position(line, column));
    }
    return text.substring(from, offset);
  }

  private void digits() {
    while (offset < text.length() && isDigit(text.charAt(offset))) {
      advance();
    }
  }

  private String quoted(char quote, String what, Expr.Position start) {
    StringBuilder value = new StringBuilder();
    advance();
    while (true) {
      if (offset >= text.length()) {
        throw new ExpressionException(
            "unterminated " + what + ": expected a closing " + quote + " before the end", start);
      }
      char c = text.charAt(offset);
      advance();
      if (c == quote) {
        if (offset < text.length() && text.charAt(offset) == quote) {
          value.append(quote);
          advance();
        } else {
          return value.toString();
        }
      } else {
        value.append(c);
      }
    }
  }

  private String symbol(Expr.Position start) {
    for (String symbol : SYMBOLS) {
      if (text.startsWith(symbol, offset)) {
        for (int i = 0; i < symbol.length(); i++) {
          advance();
        }
        return symbol;
      }
    }
    int codePoint = text.codePointAt(offset);
    throw new ExpressionException(
        "unexpected character '"
            + Character.toString(codePoint)
            + "'; expected an operator, a name, a number or a quoted string",
        start);
  }

  private void skipWhitespace() {
    while (offset < text.length()) {
      char c = text.charAt(offset);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
        return;
      }
      advance();
    }
  }

  private void advance() {
    if (text.charAt(offset) == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
    offset++;
  }

  private char peek(int ahead) {
    return text.charAt(offset + ahead);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || isDigit(c);
  }
}
