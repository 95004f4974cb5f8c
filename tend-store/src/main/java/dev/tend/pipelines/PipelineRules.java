package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import dev.tend.store.Ids;
import dev.tend.store.Names;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the pipeline store accepts, checked before any SQL runs so that bad input is an {@link
 * IllegalArgumentException} naming the field, never a database error. Lengths match the columns of
 * V6__pipelines.sql; text may not hold NUL, which PostgreSQL cannot store.
 */
final class PipelineRules {
  static final int MAX_OWNER_LENGTH = 255;
  static final int MAX_ACTOR_LENGTH = 128;
  static final int MAX_TRIGGER_KEY_LENGTH = 255;
  static final int MAX_CODE_VERSION_LENGTH = 255;
  static final int MAX_TRACKING_RUN_ID_LENGTH = 64;
  static final int MAX_KIND_LENGTH = 32;
  static final int MAX_PARAM_NAME_LENGTH = 128;
  static final int MAX_PATH_LENGTH = 1024;
  static final Duration MAX_LEASE = Duration.ofDays(1);
  static final Set<String> STREAMS = Set.of("stdout", "stderr", "tend");

  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_-]*");

  private PipelineRules() {}

  static String requirePipelineName(String name) {
    return Names.requireValid("pipeline", name);
  }

  static String requireStepId(String stepId) {
    return Names.requireValid("step", stepId);
  }

  static String requireRunId(String runId) {
    requireNonNull(runId, "runId is null");
    if (!Ids.isWellFormed(runId)) {
      throw new IllegalArgumentException(
          "'" + Names.printable(runId) + "' is not a pipeline run id (26 characters of a ULID)");
    }
    return runId;
  }

  static void requireSteps(List<NewPipelineRun.NewStep> steps) {
    Set<String> seen = new HashSet<>();
    for (NewPipelineRun.NewStep step : steps) {
      requireStepId(step.stepId());
      if (!seen.add(step.stepId())) {
        throw new IllegalArgumentException("step id '" + step.stepId() + "' appears twice");
      }
      if (step.kind().length() > MAX_KIND_LENGTH || !KIND.matcher(step.kind()).matches()) {
        throw new IllegalArgumentException(
            "step kind '"
                + Names.printable(step.kind())
                + "' of step "
                + step.stepId()
                + " must be 1 to "
                + MAX_KIND_LENGTH
                + " characters of [a-z0-9_-], starting with a letter");
      }
    }
  }

  static String requireOwner(String owner) {
    return requireLabel("lease owner", owner, MAX_OWNER_LENGTH);
  }

  static String requireActor(String actor) {
    return requireLabel("actor", actor, MAX_ACTOR_LENGTH);
  }

  static String requireTriggerKey(String key) {
    return requireLabel("trigger key", key, MAX_TRIGGER_KEY_LENGTH);
  }

  static String requireCodeVersion(String codeVersion) {
    return requireLabel("code version", codeVersion, MAX_CODE_VERSION_LENGTH);
  }

  static String requireTrackingRunId(String trackingRunId) {
    return requireLabel("tracking run id", trackingRunId, MAX_TRACKING_RUN_ID_LENGTH);
  }

  /** A non-empty single-line value of at most {@code max} characters. */
  static String requireLabel(String what, String value, int max) {
    requireNonNull(value, what + " is null");
    if (value.isEmpty() || value.length() > max) {
      throw new IllegalArgumentException(
          what + " must be 1 to " + max + " characters, got " + value.length());
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          what + " '" + Names.printable(value) + "' must not contain control characters");
    }
    return value;
  }

  /** Text of any length that PostgreSQL can store: no NUL character. */
  static String requireText(String what, String text) {
    requireNonNull(text, what + " is null");
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      throw new IllegalArgumentException(
          what + " must not contain a NUL character (found at offset " + nul + ")");
    }
    return text;
  }

  /** Pipeline files: relative paths (no leading '/', no control characters) to text. */
  static void requireFiles(Map<String, String> files) {
    files.forEach(
        (path, text) -> {
          requireLabel("file path", path, MAX_PATH_LENGTH);
          if (path.startsWith("/") || path.startsWith("\\")) {
            throw new IllegalArgumentException(
                "file path '" + path + "' must be relative to the pipeline file");
          }
          requireText("file " + path, text);
        });
  }

  static void requireParams(Map<String, String> params) {
    params.forEach(
        (name, value) -> {
          requireLabel("parameter name", name, MAX_PARAM_NAME_LENGTH);
          requireText("parameter " + name, value);
        });
  }

  static void requireStream(String stream) {
    requireNonNull(stream, "stream is null");
    if (!STREAMS.contains(stream)) {
      throw new IllegalArgumentException(
          "log stream must be stdout, stderr or tend, got '" + Names.printable(stream) + "'");
    }
  }

  static void requireLease(Duration lease) {
    requireNonNull(lease, "lease is null");
    if (lease.isNegative() || lease.isZero() || lease.compareTo(MAX_LEASE) > 0) {
      throw new IllegalArgumentException(
          "a lease must be longer than 0 and at most " + MAX_LEASE + ", got " + lease);
    }
  }

  static void requireMaxResults(int maxResults, int limit) {
    if (maxResults < 1 || maxResults > limit) {
      throw new IllegalArgumentException(
          "maxResults must be between 1 and " + limit + ", got " + maxResults);
    }
  }

  /**
   * {@code line} as stored: NUL replaced by U+FFFD, and cut to {@link
   * PipelineRepository#MAX_LOG_LINE_LENGTH} characters ending with an ellipsis when longer (never
   * between the two halves of a surrogate pair).
   */
  static String logLine(String line) {
    requireNonNull(line, "log line is null");
    String text = line.replace('\0', '\uFFFD');
    int max = PipelineRepository.MAX_LOG_LINE_LENGTH;
    if (text.length() <= max) {
      return text;
    }
    int cut = max - 1;
    if (Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    return text.substring(0, cut) + "\u2026";
  }
}
