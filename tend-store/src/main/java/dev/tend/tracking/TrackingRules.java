package dev.tend.tracking;

import java.util.List;
import java.util.regex.Pattern;

/**
 * MLflow 2.17's limits and naming rules for what clients log; breaking one is an {@link
 * IllegalArgumentException} (MLflow's {@code INVALID_PARAMETER_VALUE}) whose message says which
 * rule and value.
 */
public final class TrackingRules {
  public static final int MAX_METRICS_PER_BATCH = 1000;
  public static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
  public static final int MAX_ENTITIES_PER_BATCH = 1000;
  public static final int MAX_BATCH_REQUEST_BYTES = 1_000_000;
  public static final int MAX_KEY_LENGTH = 250;
  public static final int MAX_PARAM_VALUE_LENGTH = 6000;
  public static final int MAX_TAG_VALUE_LENGTH = 5000;
  public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
  public static final int MAX_RUN_NAME_LENGTH = 250;
  public static final int MAX_DATASET_NAME_LENGTH = 500;
  public static final int MAX_DATASET_DIGEST_LENGTH = 36;
  public static final int MAX_DATASET_SOURCE_LENGTH = 65535;
  public static final int MAX_INPUT_TAG_KEY_LENGTH = 255;
  public static final int MAX_INPUT_TAG_VALUE_LENGTH = 500;

  /* Slashes, letters, digits, underscores, periods, dashes and spaces (Python's \w is Unicode). */
  private static final Pattern KEY =
      Pattern.compile("[/\\w.\\- ]*", Pattern.UNICODE_CHARACTER_CLASS);

  private TrackingRules() {}

  /** Checks a metric, param or tag key ({@code kind} names which, for the message). */
  public static String requireValidKey(String kind, String key) {
    if (key == null) {
      throw new IllegalArgumentException(
          kind + " name cannot be None. A key name must be provided.");
    }
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "Invalid "
              + kind
              + " name: '"
              + key
              + "'. Names may only contain alphanumerics, underscores (_), dashes (-), periods"
              + " (.), spaces ( ), and slashes (/).");
    }
    if (!isNormalPath(key)) {
      throw new IllegalArgumentException(
          "Invalid "
              + kind
              + " name: '"
              + key
              + "'. Names may be treated as files in certain cases, and must not resolve to"
              + " other names when treated as such (no empty, '.' or '..' segments, no leading"
              + " or trailing '/').");
    }
    requireLength(kind + " key", key, MAX_KEY_LENGTH);
    return key;
  }

  /** Throws unless {@code value} is at most {@code limit} characters. */
  public static String requireLength(String what, String value, int limit) {
    if (value != null && value.length() > limit) {
      throw new IllegalArgumentException(
          what
              + " '"
              + value.substring(0, Math.min(250, value.length()))
              + "' had length "
              + value.length()
              + ", which exceeded length limit of "
              + limit);
    }
    return value;
  }

  /** Checks the batch limits: 1000 metrics, 100 params, 100 tags, 1000 in all. */
  public static void requireBatchLimits(int metrics, int params, int tags) {
    limit("metrics", MAX_METRICS_PER_BATCH, metrics);
    limit("params", MAX_PARAMS_TAGS_PER_BATCH, params);
    limit("tags", MAX_PARAMS_TAGS_PER_BATCH, tags);
    limit("metrics, params, and tags", MAX_ENTITIES_PER_BATCH, metrics + params + tags);
  }

  /** Checks an experiment name: not empty, at most 500 characters. */
  public static String requireExperimentName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Invalid experiment name: '" + name + "'");
    }
    if (name.length() > MAX_EXPERIMENT_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "Experiment name exceeds the maximum length of "
              + MAX_EXPERIMENT_NAME_LENGTH
              + " characters");
    }
    return name;
  }

  /** Checks the keys of a batch's params are distinct. */
  public static void requireDistinctParamKeys(List<KeyValue> params) {
    List<String> keys = params.stream().map(KeyValue::key).toList();
    List<String> duplicates =
        keys.stream().filter(k -> keys.indexOf(k) != keys.lastIndexOf(k)).distinct().toList();
    if (!duplicates.isEmpty()) {
      throw new IllegalArgumentException(
          "Duplicate parameter keys have been submitted: "
              + duplicates
              + ". Please ensure the request contains only one param value per param key.");
    }
  }

  private static void limit(String what, int limit, int count) {
    if (count > limit) {
      throw new IllegalArgumentException(
          "A batch logging request can contain at most "
              + limit
              + " "
              + what
              + ". Got "
              + count
              + " "
              + what
              + ". Please split up "
              + what
              + " across multiple requests and try again.");
    }
  }

  /* What POSIX normpath leaves unchanged: no empty, '.' or '..' segments, not starting '..'. */
  private static boolean isNormalPath(String key) {
    if (key.isEmpty() || key.startsWith("..")) {
      return false;
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
