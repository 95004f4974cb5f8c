package dev.tend.serving.monitor;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.tend.monitor.WindowSketchRow;
import dev.tend.monitor.WindowSketchSchema;
import dev.tend.schema.DataType;
import dev.tend.serving.protocol.Field;
import dev.tend.serving.protocol.ServingSignature;
import java.io.IOException;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a logged prediction's {@code inputs} and {@code outputs} JSON text (as {@code
 * PredictionRecord} keeps it) into a {@link WindowSketchRow}, typed by the model's signature, with
 * Jackson's streaming parser. Never throws for bad text: a field that is absent or of the wrong
 * type, an unknown field, inputs that are not a JSON object and outputs without the prediction are
 * recorded on the row as schema violations. Values are read as serving reads requests: NaN and
 * infinities of doubles as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"};
 * integers also as numbers without a fractional part; dates and timestamps as ISO-8601 text (a
 * timestamp without offset is UTC). Mutable and not thread-safe.
 */
public final class RecordParser {
  /* Jackson's bundled fast double parser: the JDK's Double.parseDouble was a fifth of the time. */
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final WindowSketchSchema schema;
  private final String[] names;
  private final DataType[] types;
  private final Map<String, Integer> index = new HashMap<>();

  public RecordParser(WindowSketchSchema schema) {
    this.schema = requireNonNull(schema, "schema is null");
    int n = schema.inputs().size();
    names = new String[n];
    types = new DataType[n];
    for (int i = 0; i < n; i++) {
      // Jackson interns field names, so the usual case is an identity match at the next position.
      names[i] = schema.inputs().get(i).name().intern();
      types[i] = schema.inputs().get(i).type();
      index.put(names[i], i);
    }
  }

  /**
   * The schema of a served model's signature: its inputs, and the task its output names show.
   *
   * @throws IllegalArgumentException if the outputs are not those of a Tend classifier or
   *     regression
   */
  public static WindowSketchSchema schemaOf(ServingSignature signature) {
    List<WindowSketchSchema.Input> inputs = new ArrayList<>();
    for (Field field : signature.inputs()) {
      inputs.add(new WindowSketchSchema.Input(field.name(), dataType(field)));
    }
    List<String> outputs = signature.outputs().stream().map(Field::name).toList();
    WindowSketchSchema.Task task =
        WindowSketchSchema.Task.fromOutputs(outputs)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "outputs "
                            + outputs
                            + " name no prediction; expected 'probability' (binary),"
                            + " 'probability_<class>' (multiclass) or 'value' (regression)"));
    return new WindowSketchSchema(inputs, task);
  }

  private static DataType dataType(Field field) {
    return switch (field.type()) {
      case BOOLEAN -> DataType.BOOLEAN;
      case INTEGER -> DataType.INTEGER;
      case DOUBLE -> DataType.DOUBLE;
      case STRING -> DataType.STRING;
      case DATE -> DataType.DATE;
      case TIMESTAMP -> DataType.TIMESTAMP;
    };
  }

  public WindowSketchSchema schema() {
    return schema;
  }

  /** Fills {@code row} (after {@link WindowSketchRow#reset}) from one record's JSON text. */
  public void parse(String inputs, String outputs, WindowSketchRow row) {
    parseInputs(inputs, row);
    parseOutputs(outputs, row);
  }

  private void parseInputs(String text, WindowSketchRow row) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        row.setInputsMalformed();
        return;
      }
      int expected = 0;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        int i;
        if (expected < names.length && names[expected] == name) {
          i = expected;
        } else {
          Integer found = index.get(name);
          if (found == null) {
            row.addUnexpected(name);
            p.nextToken();
            p.skipChildren();
            continue;
          }
          i = found;
        }
        expected = i + 1;
        value(p, p.nextToken(), i, row);
      }
      if (t != JsonToken.END_OBJECT) {
        row.setInputsMalformed();
      }
    } catch (IOException | RuntimeException e) {
      row.setInputsMalformed();
    }
  }

  private void value(JsonParser p, JsonToken t, int i, WindowSketchRow row) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      row.setNull(i);
      return;
    }
    switch (types[i]) {
      case DOUBLE -> {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
          row.setDouble(i, p.getDoubleValue());
          return;
        }
        if (t == JsonToken.VALUE_STRING) {
          double special = nonFinite(p.getText());
          if (!Double.isNaN(special) || "NaN".equals(p.getText())) {
            row.setDouble(i, special);
            return;
          }
        }
      }
      case INTEGER -> {
        if (t == JsonToken.VALUE_NUMBER_INT) {
          if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            row.setLong(i, p.getLongValue());
            return;
          }
        } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
          double d = p.getDoubleValue();
          if (Double.isFinite(d) && d == Math.rint(d)) {
            BigInteger exact = p.getDecimalValue().toBigInteger();
            if (exact.compareTo(LONG_MIN) >= 0 && exact.compareTo(LONG_MAX) <= 0) {
              row.setLong(i, exact.longValue());
              return;
            }
          }
        }
      }
      case BOOLEAN -> {
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
          row.setBoolean(i, t == JsonToken.VALUE_TRUE);
          return;
        }
      }
      case STRING -> {
        if (t == JsonToken.VALUE_STRING) {
          row.setString(i, p.getText());
          return;
        }
      }
      case DATE -> {
        if (t == JsonToken.VALUE_STRING) {
          long micros = dateMicros(p.getText());
          if (micros != Long.MIN_VALUE) {
            row.setLong(i, micros);
            return;
          }
        }
      }
      case TIMESTAMP -> {
        if (t == JsonToken.VALUE_STRING) {
          long micros = timestampMicros(p.getText());
          if (micros != Long.MIN_VALUE) {
            row.setLong(i, micros);
            return;
          }
        }
      }
      case OTHER -> throw new IllegalStateException("schema refuses other");
    }
    p.skipChildren();
    row.setWrongType(i);
  }

  private static double nonFinite(String text) {
    return switch (text) {
      case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.NaN;
    };
  }

  /* Epoch microseconds of an ISO date, or Long.MIN_VALUE; yyyy-MM-dd without java.time parsing. */
  static long dateMicros(String text) {
    try {
      LocalDate date;
      if (text.length() == 10
          && text.charAt(4) == '-'
          && text.charAt(7) == '-'
          && digits(text, 0, 4)
          && digits(text, 5, 7)
          && digits(text, 8, 10)) {
        date =
            LocalDate.of(
                Integer.parseInt(text, 0, 4, 10),
                Integer.parseInt(text, 5, 7, 10),
                Integer.parseInt(text, 8, 10, 10));
      } else {
        date = LocalDate.parse(text);
      }
      return date.toEpochDay() * 86_400_000_000L;
    } catch (DateTimeException e) {
      return Long.MIN_VALUE;
    }
  }

  private static boolean digits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /* Epoch microseconds of an ISO timestamp (no offset = UTC), or Long.MIN_VALUE. */
  static long timestampMicros(String text) {
    try {
      java.time.Instant instant;
      try {
        instant = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        instant = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      }
      return ChronoUnit.MICROS.between(java.time.Instant.EPOCH, instant);
    } catch (DateTimeException | ArithmeticException e) {
      return Long.MIN_VALUE;
    }
  }

  private void parseOutputs(String text, WindowSketchRow row) {
    WindowSketchSchema.Task task = schema.task();
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        prediction(p, t, task, row);
        return;
      }
      String wanted =
          switch (task) {
            case BINARY -> "probability";
            case MULTICLASS -> "label";
            case REGRESSION -> "value";
          };
      double highest = Double.NaN;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        t = p.nextToken();
        if (name.equals(wanted)) {
          prediction(p, t, task, row);
        } else if (task == WindowSketchSchema.Task.MULTICLASS
            && name.startsWith("probability_")
            && (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT)) {
          double v = p.getDoubleValue();
          if (!(v <= highest)) {
            highest = v;
          }
        } else {
          p.skipChildren();
        }
      }
      if (task == WindowSketchSchema.Task.MULTICLASS) {
        row.setConfidence(highest);
      }
    } catch (IOException | RuntimeException e) {
      row.setPredictionWrongType();
    }
  }

  private static void prediction(
      JsonParser p, JsonToken t, WindowSketchSchema.Task task, WindowSketchRow row)
      throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      row.setPredictionNull();
      return;
    }
    if (task == WindowSketchSchema.Task.MULTICLASS) {
      if (t == JsonToken.VALUE_STRING
          || t == JsonToken.VALUE_NUMBER_INT
          || t == JsonToken.VALUE_NUMBER_FLOAT
          || t == JsonToken.VALUE_TRUE
          || t == JsonToken.VALUE_FALSE) {
        row.setPredictionLabel(p.getText());
        return;
      }
    } else if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      row.setPrediction(p.getDoubleValue());
      return;
    } else if (t == JsonToken.VALUE_STRING) {
      String text = p.getText();
      double special = nonFinite(text);
      if (!Double.isNaN(special) || "NaN".equals(text)) {
        row.setPrediction(special);
        return;
      }
    }
    if (t != null) {
      p.skipChildren();
    }
    row.setPredictionWrongType();
  }
}
