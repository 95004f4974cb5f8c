package dev.tend.cli.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Main;
import dev.tend.cli.remote.ProblemException;
import dev.tend.cli.remote.TendClient;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the {@code runs}, {@code experiments} and {@code models} commands share: calls of MLflow's
 * REST API on a Tend server (experiments found by name or id, pages followed by their tokens),
 * search errors shown with a caret under the text, and times and numbers written for people.
 */
final class Mlflow {
  /** MLflow's largest page of runs and experiments. */
  static final int MAX_PAGE = 1000;

  private static final int MAX_PAGES = 100_000;

  private static final Pattern SEARCH_ERROR =
      Pattern.compile("Invalid (filter|order_by clause) '(.*)' at position (\\d+): (.*)");

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Mlflow() {}

  /** {@code GET} an MLflow route with query parameters given as name, value, name, value... */
  static JsonNode get(TendClient client, String route, String... parameters) {
    return client.mlflow("GET", route + query(parameters), Optional.empty());
  }

  /** {@code POST} an MLflow route with a JSON body. */
  static JsonNode post(TendClient client, String route, JsonNode body) {
    return client.mlflow("POST", route, Optional.of(body));
  }

  /** A query string ({@code ?a=1&b=2}) of name, value pairs; a null value leaves its pair out. */
  static String query(String... parameters) {
    StringBuilder query = new StringBuilder();
    for (int i = 0; i + 1 < parameters.length; i += 2) {
      if (parameters[i + 1] != null) {
        query.append(query.isEmpty() ? '?' : '&');
        query.append(parameters[i]).append('=').append(TendClient.query(parameters[i + 1]));
      }
    }
    return query.toString();
  }

  /**
   * The experiment a user named: by id when the text is a number that is an experiment's id, else
   * by name.
   *
   * @throws Main.UsageException when there is no such experiment
   */
  static JsonNode experiment(TendClient client, String nameOrId) {
    if (nameOrId.matches("[0-9]{1,18}")) {
      try {
        return get(client, "/experiments/get", "experiment_id", nameOrId).path("experiment");
      } catch (ProblemException e) {
        if (!e.code().equals("RESOURCE_DOES_NOT_EXIST")) {
          throw e;
        }
      }
    }
    try {
      return get(client, "/experiments/get-by-name", "experiment_name", nameOrId)
          .path("experiment");
    } catch (ProblemException e) {
      if (e.code().equals("RESOURCE_DOES_NOT_EXIST")) {
        throw new Main.UsageException(
            "no experiment named or numbered '"
                + nameOrId
                + "' on "
                + client.server()
                + " (tend experiments list shows them)");
      }
      throw e;
    }
  }

  /**
   * Reads a search page by page, following {@code next_page_token}, until the items run out or
   * {@code limit} items were read (no limit when empty). Each page asks for at most {@code
   * pageSize} items.
   *
   * @param member the answer's member that holds the page's items
   * @return whether more items were left when the limit was reached
   */
  static boolean pages(
      OptionalInt limit, int pageSize, String member, PageReader page, Consumer<JsonNode> item) {
    int read = 0;
    Optional<String> token = Optional.empty();
    for (int pages = 0; pages < MAX_PAGES; pages++) {
      int size = limit.isPresent() ? Math.min(pageSize, limit.getAsInt() - read) : pageSize;
      JsonNode answer = page.read(size, token);
      for (JsonNode each : answer.path(member)) {
        item.accept(each);
        read++;
      }
      JsonNode next = answer.path("next_page_token");
      if (!next.isTextual() || next.asText().isEmpty()) {
        return false;
      }
      if (limit.isPresent() && read >= limit.getAsInt()) {
        return true;
      }
      token = Optional.of(next.asText());
    }
    throw new IllegalStateException("more than " + MAX_PAGES + " pages of " + member);
  }

  /** Reads one page of a search. */
  @FunctionalInterface
  interface PageReader {
    JsonNode read(int maxResults, Optional<String> pageToken);
  }

  /**
   * A search error of the server ({@code Invalid filter '...' at position N: ...}) as a usage error
   * naming the option, with a caret under the position; other errors unchanged.
   */
  static RuntimeException searchError(ProblemException e, String filterOption) {
    if (!e.code().equals("INVALID_PARAMETER_VALUE")) {
      return e;
    }
    Matcher matcher = SEARCH_ERROR.matcher(e.detail());
    if (!matcher.matches()) {
      return new Main.UsageException(e.detail());
    }
    boolean filter = matcher.group(1).equals("filter");
    String text = matcher.group(2);
    int position = Integer.parseInt(matcher.group(3));
    String message =
        "invalid "
            + (filter ? filterOption : "--order-by '" + text + "'")
            + " at position "
            + position
            + ": "
            + matcher.group(4);
    if (text.indexOf('\n') < 0 && position >= 1 && position <= text.length() + 1) {
      message += "\n  " + text + "\n  " + " ".repeat(position - 1) + "^";
    }
    return new Main.UsageException(message);
  }

  /** A time in milliseconds since the epoch as {@code 2026-01-31 14:05:09} (UTC). */
  static String time(long millis) {
    return TIME.format(Instant.ofEpochMilli(millis));
  }

  /** How long from {@code start} to {@code end} (milliseconds): {@code 350ms}, {@code 1m 05s}. */
  static String duration(long start, long end) {
    long millis = Math.max(0, end - start);
    if (millis < 1000) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, seconds % 3600 / 60);
  }

  /** A metric value of MLflow's JSON: a number, or {@code "NaN"}, {@code "Infinity"}. */
  static double value(JsonNode node) {
    if (node.isNumber()) {
      return node.asDouble();
    }
    return switch (node.asText("NaN")) {
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.NaN;
    };
  }

  /** A value as MLflow's JSON writes it: a number, or a string for NaN and the infinities. */
  static void putValue(ObjectNode node, String name, double value) {
    if (Double.isNaN(value)) {
      node.put(name, "NaN");
    } else if (Double.isInfinite(value)) {
      node.put(name, value > 0 ? "Infinity" : "-Infinity");
    } else {
      node.put(name, value);
    }
  }

  /** A number for people: at most 6 significant digits, no exponent for everyday magnitudes. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    BigDecimal rounded = new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros();
    double magnitude = Math.abs(value);
    return magnitude >= 1e-6 && magnitude < 1e15
        ? rounded.toPlainString()
        : rounded.toString().replace("E", "e");
  }

  /** A signed difference for people: {@code +0.0123}, {@code -2}, {@code 0}. */
  static String delta(double value) {
    String text = number(value);
    return value > 0 ? "+" + text : text;
  }

  /** The keys of {@code key}/{@code value} pairs of MLflow's JSON, in order. */
  static List<String> keys(JsonNode pairs) {
    List<String> keys = new ArrayList<>();
    pairs.forEach(p -> keys.add(p.path("key").asText()));
    return keys;
  }
}
