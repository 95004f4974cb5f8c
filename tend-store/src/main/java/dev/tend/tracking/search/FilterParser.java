package dev.tend.tracking.search;

import static java.util.Objects.requireNonNull;

import dev.tend.tracking.search.Filter.Comparator;
import dev.tend.tracking.search.Filter.Entity;
import dev.tend.tracking.search.Filter.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Parses MLflow's search filter grammar, plus {@code OR} and parentheses, and {@code order_by}
 * clauses. Keys are {@code <entity>.<name>} where the entity is {@code metrics}, {@code params},
 * {@code tags}, {@code attributes} or {@code datasets} (and MLflow's singular and short forms), and
 * the name is bare ({@code mlflow.source.type}), in backquotes or in double quotes; a bare name
 * without an entity is an attribute. Values are quoted strings ({@code '...'} or {@code "..."}, a
 * doubled quote stands for itself), numbers, or parenthesized string lists for {@code IN} and
 * {@code NOT IN}. Keywords are case-insensitive. {@code AND} binds tighter than {@code OR}.
 * Stateless and thread-safe.
 */
public final class FilterParser {
  private static final Map<String, Entity> ENTITIES =
      Map.ofEntries(
          Map.entry("metric", Entity.METRIC),
          Map.entry("metrics", Entity.METRIC),
          Map.entry("parameter", Entity.PARAM),
          Map.entry("parameters", Entity.PARAM),
          Map.entry("param", Entity.PARAM),
          Map.entry("params", Entity.PARAM),
          Map.entry("tag", Entity.TAG),
          Map.entry("tags", Entity.TAG),
          Map.entry("attribute", Entity.ATTRIBUTE),
          Map.entry("attributes", Entity.ATTRIBUTE),
          Map.entry("attr", Entity.ATTRIBUTE),
          Map.entry("run", Entity.ATTRIBUTE),
          Map.entry("dataset", Entity.DATASET),
          Map.entry("datasets", Entity.DATASET));
  private static final String COMPARATORS = "=, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN";

  private FilterParser() {}

  /**
   * The filter in {@code text}, or empty when the text is blank.
   *
   * @throws FilterSyntaxException naming the position of the first problem
   */
  public static Optional<Filter> parse(String text, SearchTarget target) {
    requireNonNull(text, "text is null");
    requireNonNull(target, "target is null");
    if (text.isBlank()) {
      return Optional.empty();
    }
    Parser parser = new Parser("filter", text, target);
    Filter filter = parser.or();
    Token end = parser.peek();
    if (end.kind != Kind.EOF) {
      throw parser.error(
          end.position, "expected AND, OR, ')' or the end of the filter but found " + end.show());
    }
    return Optional.of(filter);
  }

  /**
   * One {@code order_by} clause: a key and optionally {@code ASC} or {@code DESC} (ascending when
   * absent).
   *
   * @throws FilterSyntaxException naming the position of the problem
   */
  public static OrderKey parseOrderBy(String text, SearchTarget target) {
    requireNonNull(text, "text is null");
    requireNonNull(target, "target is null");
    Parser parser = new Parser("order_by clause", text, target);
    Token first = parser.next();
    if (first.kind != Kind.KEY) {
      throw parser.error(
          first.position,
          "expected a key to order by, such as metrics.<name>, found " + first.show());
    }
    Key key = parser.orderKey(first);
    boolean ascending = true;
    Token direction = parser.next();
    if (direction.kind == Kind.WORD) {
      String word = direction.text.toUpperCase(Locale.ROOT);
      if (!word.equals("ASC") && !word.equals("DESC")) {
        throw parser.error(direction.position, "expected ASC or DESC, found " + direction.show());
      }
      ascending = word.equals("ASC");
      direction = parser.next();
    }
    if (direction.kind != Kind.EOF) {
      throw parser.error(
          direction.position,
          "expected ASC, DESC or the end of the clause but found " + direction.show());
    }
    return new OrderKey(key, ascending);
  }

  private enum Kind {
    KEY,
    WORD,
    STRING,
    NUMBER,
    OPERATOR,
    OPEN,
    CLOSE,
    COMMA,
    EOF
  }

  /**
   * A token. For KEY, {@code entity} is the raw entity text (null for a bare attribute name) and
   * {@code text} the name; for STRING, {@code text} is the unquoted value.
   */
  private record Token(Kind kind, String entity, String text, String raw, int position) {
    String show() {
      return kind == Kind.EOF ? "the end" : "'" + raw + "'";
    }

    boolean isWord(String word) {
      return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }
  }

  private static final class Parser {
    private final String what;
    private final String text;
    private final SearchTarget target;
    private final List<Token> tokens;
    private int index;

    Parser(String what, String text, SearchTarget target) {
      this.what = what;
      this.text = text;
      this.target = target;
      this.tokens = new Lexer(this).tokens();
    }

    FilterSyntaxException error(int position, String problem) {
      return new FilterSyntaxException(what, text, position, problem);
    }

    Token peek() {
      return tokens.get(index);
    }

    Token next() {
      Token token = tokens.get(index);
      if (token.kind != Kind.EOF) {
        index++;
      }
      return token;
    }

    Filter or() {
      List<Filter> parts = new ArrayList<>();
      parts.add(and());
      while (peek().isWord("OR")) {
        next();
        parts.add(and());
      }
      return parts.size() == 1 ? parts.get(0) : new Filter.Or(parts);
    }

    Filter and() {
      List<Filter> parts = new ArrayList<>();
      parts.add(primary());
      while (peek().isWord("AND")) {
        next();
        parts.add(primary());
      }
      return parts.size() == 1 ? parts.get(0) : new Filter.And(parts);
    }

    Filter primary() {
      Token token = next();
      if (token.kind == Kind.OPEN) {
        Filter inner = or();
        Token close = next();
        if (close.kind != Kind.CLOSE) {
          throw error(
              close.position,
              "expected ')' to close the '(' at position "
                  + token.position
                  + " but found "
                  + close.show());
        }
        return inner;
      }
      if (token.kind != Kind.KEY) {
        throw error(
            token.position,
            "expected a comparison such as metrics.<name> > 0.5, params.<name> = '...',"
                + " tags.<name> = '...' or attributes.<name> = '...', or '(', but found "
                + token.show());
      }
      return comparison(token);
    }

    private Filter comparison(Token keyToken) {
      Key key = key(keyToken);
      Token op = next();
      Comparator comparator = comparator(op, keyToken);
      Filter.Value value;
      Token valueToken = peek();
      if (comparator == Comparator.IN || comparator == Comparator.NOT_IN) {
        value = list();
      } else {
        next();
        value =
            switch (valueToken.kind) {
              case STRING -> new Filter.Text(valueToken.text);
              case NUMBER ->
                  new Filter.Number(valueToken.text, Double.parseDouble(valueToken.text));
              default ->
                  throw error(
                      valueToken.position,
                      "expected a value (a quoted string or a number) after '"
                          + op.raw
                          + "' but found "
                          + valueToken.show());
            };
      }
      return check(
          new Filter.Comparison(key, comparator, value, keyToken.position), op, valueToken);
    }

    private Comparator comparator(Token op, Token keyToken) {
      if (op.kind == Kind.OPERATOR) {
        return switch (op.text) {
          case "=" -> Comparator.EQ;
          case "!=" -> Comparator.NE;
          case "<" -> Comparator.LT;
          case "<=" -> Comparator.LE;
          case ">" -> Comparator.GT;
          case ">=" -> Comparator.GE;
          default -> throw error(op.position, "unknown comparator " + op.show());
        };
      }
      if (op.isWord("LIKE")) {
        return Comparator.LIKE;
      }
      if (op.isWord("ILIKE")) {
        return Comparator.ILIKE;
      }
      if (op.isWord("IN")) {
        return Comparator.IN;
      }
      if (op.isWord("NOT") && peek().isWord("IN")) {
        next();
        return Comparator.NOT_IN;
      }
      throw error(
          op.position,
          "expected a comparator ("
              + COMPARATORS
              + ") after '"
              + keyToken.raw
              + "' but found "
              + op.show());
    }

    private Filter.TextList list() {
      Token open = next();
      if (open.kind != Kind.OPEN) {
        throw error(
            open.position,
            "expected a parenthesized list of quoted strings, such as ('a', 'b'), but found "
                + open.show());
      }
      List<String> texts = new ArrayList<>();
      while (true) {
        Token item = next();
        if (item.kind != Kind.STRING) {
          throw error(
              item.position, "expected a quoted string in the list but found " + item.show());
        }
        texts.add(item.text);
        Token after = next();
        if (after.kind == Kind.CLOSE) {
          return new Filter.TextList(texts);
        }
        if (after.kind != Kind.COMMA) {
          throw error(after.position, "expected ',' or ')' in the list but found " + after.show());
        }
      }
    }

    Key key(Token token) {
      if (token.entity == null) {
        return attributeKey(token, token.text);
      }
      Entity entity = entity(token);
      if (!target.allows(entity)) {
        throw error(
            token.position,
            "a search of "
                + target.name().toLowerCase(Locale.ROOT)
                + " cannot filter on "
                + entity.prefix());
      }
      return switch (entity) {
        case ATTRIBUTE -> attributeKey(token, token.text);
        case DATASET -> {
          if (!SearchTarget.DATASET_KEYS.contains(token.text)) {
            throw error(
                token.position,
                "unknown dataset key '" + token.text + "'; use datasets.name, digest or context");
          }
          yield new Key(entity, token.text);
        }
        default -> new Key(entity, token.text);
      };
    }

    Key orderKey(Token token) {
      Entity entity = token.entity == null ? Entity.ATTRIBUTE : entity(token);
      if (entity == Entity.ATTRIBUTE) {
        return target
            .orderableAttribute(token.text)
            .map(name -> new Key(Entity.ATTRIBUTE, name))
            .orElseThrow(
                () ->
                    error(
                        token.position,
                        "cannot order by attribute '"
                            + token.text
                            + "'; orderable attributes: "
                            + new TreeSet<>(target.orderableAttributeNames())));
      }
      if (entity == Entity.DATASET || !target.allows(entity)) {
        throw error(token.position, "cannot order by " + entity.prefix());
      }
      return new Key(entity, token.text);
    }

    private Entity entity(Token token) {
      Entity entity = ENTITIES.get(token.entity);
      if (entity == null) {
        throw error(
            token.position,
            "unknown entity '"
                + token.entity
                + "'; use metrics, params, tags, attributes or datasets");
      }
      return entity;
    }

    private Key attributeKey(Token token, String name) {
      return target
          .attribute(name)
          .map(canonical -> new Key(Entity.ATTRIBUTE, canonical))
          .orElseThrow(
              () ->
                  error(
                      token.position,
                      "unknown attribute '"
                          + name
                          + "'; searchable attributes: "
                          + new TreeSet<>(target.attributeNames())));
    }

    private Filter check(Filter.Comparison comparison, Token op, Token valueToken) {
      Comparator comparator = comparison.comparator();
      Key key = comparison.key();
      Filter.Value value = comparison.value();
      boolean numeric =
          key.entity() == Entity.METRIC
              || (key.entity() == Entity.ATTRIBUTE && target.isNumeric(key.name()));
      if (numeric) {
        if (!SearchTarget.NUMERIC.contains(comparator)) {
          throw error(
              op.position,
              key + " is compared with =, !=, <, <=, > or >=, not " + comparator.symbol());
        }
        if (!(value instanceof Filter.Number number)) {
          throw error(
              valueToken.position,
              key + " is compared with a number, but found " + valueToken.show());
        }
        if (key.entity() == Entity.ATTRIBUTE && !isInteger(number.literal())) {
          throw error(
              valueToken.position,
              key + " is compared with a whole number of milliseconds, found " + valueToken.show());
        }
        return comparison;
      }
      boolean lists =
          key.entity() == Entity.DATASET
              || (key.entity() == Entity.ATTRIBUTE && target.allowsList(key.name()));
      if (comparator == Comparator.IN || comparator == Comparator.NOT_IN) {
        if (!lists) {
          throw error(
              op.position,
              comparator.symbol()
                  + " is only for attributes.run_id and datasets keys, not for "
                  + key);
        }
        return comparison;
      }
      if (!SearchTarget.TEXT.contains(comparator)) {
        throw error(
            op.position,
            key + " is compared with =, !=, LIKE or ILIKE, not " + comparator.symbol());
      }
      if (!(value instanceof Filter.Text)) {
        throw error(
            valueToken.position,
            key
                + " is compared with a quoted string (e.g. 'my-value'), but found "
                + valueToken.show());
      }
      return comparison;
    }

    private static boolean isInteger(String literal) {
      return literal.matches("[-+]?\\d+");
    }
  }

  /** Splits the text into tokens; positions are 1-based. */
  private static final class Lexer {
    private final Parser parser;
    private final String text;
    private int at;

    Lexer(Parser parser) {
      this.parser = parser;
      this.text = parser.text;
    }

    List<Token> tokens() {
      List<Token> tokens = new ArrayList<>();
      while (true) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
          at++;
        }
        if (at >= text.length()) {
          tokens.add(new Token(Kind.EOF, null, "", "", text.length() + 1));
          return tokens;
        }
        tokens.add(token(tokens.isEmpty() ? null : tokens.get(tokens.size() - 1)));
      }
    }

    private Token token(Token previous) {
      int start = at;
      char c = text.charAt(at);
      switch (c) {
        case '(' -> {
          at++;
          return new Token(Kind.OPEN, null, "(", "(", start + 1);
        }
        case ')' -> {
          at++;
          return new Token(Kind.CLOSE, null, ")", ")", start + 1);
        }
        case ',' -> {
          at++;
          return new Token(Kind.COMMA, null, ",", ",", start + 1);
        }
        case '\'', '"' -> {
          String value = quoted(c);
          return new Token(Kind.STRING, null, value, text.substring(start, at), start + 1);
        }
        case '=', '<', '>', '!' -> {
          return operator(start);
        }
        default -> {}
      }
      if (Character.isDigit(c)
          || (c == '.' && at + 1 < text.length() && Character.isDigit(text.charAt(at + 1)))
          || ((c == '-' || c == '+')
              && startsNumber(at + 1)
              && previous != null
              && previous.kind == Kind.OPERATOR)) {
        return number(start);
      }
      if (c == '`' || isWordChar(c)) {
        return key(start);
      }
      throw parser.error(start + 1, "unexpected character '" + c + "'");
    }

    private boolean startsNumber(int index) {
      return index < text.length()
          && (Character.isDigit(text.charAt(index)) || text.charAt(index) == '.');
    }

    private Token operator(int start) {
      char c = text.charAt(at++);
      String op;
      if (at < text.length() && text.charAt(at) == '=' && c != '=') {
        at++;
        op = c + "=";
      } else if (c == '!') {
        throw parser.error(start + 1, "'!' must be followed by '=' (use != for not equal)");
      } else {
        op = String.valueOf(c);
      }
      if (at < text.length() && "=<>!".indexOf(text.charAt(at)) >= 0) {
        throw parser.error(
            start + 1, "unknown comparator '" + op + text.charAt(at) + "'; use " + COMPARATORS);
      }
      return new Token(Kind.OPERATOR, null, op, op, start + 1);
    }

    private Token number(int start) {
      if (text.charAt(at) == '-' || text.charAt(at) == '+') {
        at++;
      }
      while (at < text.length() && Character.isDigit(text.charAt(at))) {
        at++;
      }
      if (at < text.length() && text.charAt(at) == '.') {
        at++;
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
          at++;
        }
      }
      if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
        int mark = at++;
        if (at < text.length() && (text.charAt(at) == '-' || text.charAt(at) == '+')) {
          at++;
        }
        if (at >= text.length() || !Character.isDigit(text.charAt(at))) {
          throw parser.error(mark + 1, "an exponent needs digits, as in 1e-3");
        }
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
          at++;
        }
      }
      if (at < text.length() && isWordChar(text.charAt(at))) {
        throw parser.error(start + 1, "malformed number '" + text.substring(start, at + 1) + "'");
      }
      String literal = text.substring(start, at);
      return new Token(Kind.NUMBER, null, literal, literal, start + 1);
    }

    private Token key(int start) {
      String first;
      boolean quotedFirst = text.charAt(at) == '`';
      if (quotedFirst) {
        first = quoted('`');
      } else {
        int from = at;
        while (at < text.length() && isWordChar(text.charAt(at))) {
          at++;
        }
        first = text.substring(from, at);
      }
      if (at < text.length() && text.charAt(at) == '.') {
        at++;
        if (at >= text.length()) {
          throw parser.error(at + 1, "expected a name after '" + text.substring(start, at) + "'");
        }
        char c = text.charAt(at);
        String name;
        if (c == '`' || c == '"') {
          name = quoted(c);
        } else {
          int from = at;
          while (at < text.length() && (isWordChar(text.charAt(at)) || text.charAt(at) == '.')) {
            at++;
          }
          name = text.substring(from, at);
          if (name.isEmpty()) {
            throw parser.error(
                from + 1,
                "expected a name after '"
                    + text.substring(start, from)
                    + "' (quote names with other characters in backquotes)");
          }
          if (name.endsWith(".")) {
            throw parser.error(at, "a name cannot end with '.'");
          }
        }
        return new Token(Kind.KEY, first, name, text.substring(start, at), start + 1);
      }
      if (!quotedFirst && isKeyword(first)) {
        return new Token(Kind.WORD, null, first, first, start + 1);
      }
      return new Token(Kind.KEY, null, first, text.substring(start, at), start + 1);
    }

    /** Reads a quoted run starting at the quote; a doubled quote stands for one. */
    private String quoted(char quote) {
      int start = at;
      at++;
      StringBuilder out = new StringBuilder();
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (c == quote) {
          if (at < text.length() && text.charAt(at) == quote) {
            out.append(quote);
            at++;
          } else {
            return out.toString();
          }
        } else {
          out.append(c);
        }
      }
      throw parser.error(start + 1, "the " + quote + " here is never closed");
    }

    private static boolean isKeyword(String word) {
      return switch (word.toUpperCase(Locale.ROOT)) {
        case "AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "ASC", "DESC" -> true;
        default -> false;
      };
    }

    private static boolean isWordChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_';
    }
  }
}
