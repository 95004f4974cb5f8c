package dev.tend.serving.log;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One answered prediction as the log keeps it: which deployment, environment and model version
 * answered, the inputs it saw and the outputs it gave (JSON text), how long it took and when.
 *
 * @param predictionId the client's id or one from {@link PredictionIds#next()}: 1 to 128 visible
 *     ASCII characters
 * @param deployment the deployment's name: letters, digits, {@code .}, {@code _} or {@code -},
 *     starting with a letter or digit, at most 100 characters (it names a directory)
 * @param environment such as {@code prod}; the same characters as a deployment
 * @param modelName the registered model's name, at most 200 characters without control characters
 * @param modelVersion the model's version, at most 100 characters without control characters
 * @param inputs the request's features as a JSON object, at most {@link #MAX_JSON_CHARS} characters
 * @param outputs the answer as any JSON value, at most {@link #MAX_JSON_CHARS} characters
 * @param latencyMicros time spent answering, in microseconds, not negative
 * @param timestamp when the prediction was answered; kept to the microsecond
 * @param requestId the protocol's request id when one was sent (KServe V2 echoes it)
 */
public record PredictionRecord(
    String predictionId,
    String deployment,
    String environment,
    String modelName,
    String modelVersion,
    String inputs,
    String outputs,
    long latencyMicros,
    Instant timestamp,
    Optional<String> requestId) {

  /** The largest inputs or outputs text, in characters. */
  public static final int MAX_JSON_CHARS = 1 << 20;

  private static final Pattern ID = Pattern.compile("[\\x21-\\x7E]{1,128}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern LABEL = Pattern.compile("[^\\p{Cntrl}]+");
  private static final Instant EARLIEST = Instant.EPOCH;
  private static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");
  private static final JsonFactory JSON = new JsonFactory();

  public PredictionRecord {
    requireNonNull(predictionId, "predictionId is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(modelName, "modelName is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(inputs, "inputs is null");
    requireNonNull(outputs, "outputs is null");
    requireNonNull(timestamp, "timestamp is null");
    requireNonNull(requestId, "requestId is null");
    check(ID, predictionId, "predictionId", "1 to 128 visible ASCII characters");
    check(NAME, deployment, "deployment", "letters, digits, '.', '_' or '-', at most 100");
    check(NAME, environment, "environment", "letters, digits, '.', '_' or '-', at most 100");
    checkLabel(modelName, "modelName", 200);
    checkLabel(modelVersion, "modelVersion", 100);
    requestId.ifPresent(id -> check(ID, id, "requestId", "1 to 128 visible ASCII characters"));
    if (latencyMicros < 0) {
      throw new IllegalArgumentException("latencyMicros must not be negative: " + latencyMicros);
    }
    if (timestamp.isBefore(EARLIEST) || !timestamp.isBefore(LATEST)) {
      throw new IllegalArgumentException(
          "timestamp must be between 1970 and the year 9999: " + timestamp);
    }
    timestamp = timestamp.truncatedTo(ChronoUnit.MICROS);
    checkJson(inputs, "inputs", true);
    checkJson(outputs, "outputs", false);
  }

  /** The timestamp in microseconds since the epoch, as the log stores it. */
  public long timestampMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, timestamp);
  }

  private static void check(Pattern pattern, String value, String field, String expected) {
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " must be " + expected + " characters: '" + abbreviate(value) + "'");
    }
  }

  private static void checkLabel(String value, String field, int maxLength) {
    if (value.length() > maxLength || !LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field
              + " must be 1 to "
              + maxLength
              + " characters without control characters: '"
              + abbreviate(value)
              + "'");
    }
  }

  /* One streaming pass: well-formed, a single value, and an object where one is required. */
  private static void checkJson(String text, String field, boolean object) {
    if (text.length() > MAX_JSON_CHARS) {
      throw new IllegalArgumentException(
          field + " has " + text.length() + " characters; at most " + MAX_JSON_CHARS + " fit");
    }
    try (JsonParser parser = JSON.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IllegalArgumentException(field + " is empty; it must be JSON");
      }
      if (object && first != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException(field + " must be a JSON object, not " + first);
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException(
            field + " has text after its JSON value at " + parser.currentLocation());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          field
              + " is not valid JSON: "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())
              + (e instanceof JsonProcessingException j && j.getLocation() != null
                  ? " at column " + j.getLocation().getColumnNr()
                  : ""),
          e);
    }
  }

  private static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
