package dev.tend.server.feedback;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.feedback.Feedback;
import dev.tend.feedback.FeedbackConflictException;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.feedback.NewFeedback;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.Cursor;
import dev.tend.server.http.FieldError;
import dev.tend.server.http.PageRequest;
import dev.tend.server.http.ProblemCode;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.serving.log.PredictionIds;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogException;
import dev.tend.serving.log.PredictionLogFullException;
import dev.tend.serving.log.PredictionQuery;
import dev.tend.serving.log.PredictionRecord;
import dev.tend.store.ConflictException;
import dev.tend.store.Names;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Feedback and external predictions over HTTP: {@code POST /feedback} attaches labels and business
 * outcomes to logged predictions, {@code POST /projects/{project}/predictions} logs predictions
 * that an application served itself, and {@code GET
 * /projects/{project}/deployments/{name}/predictions} lists a deployment's logged predictions with
 * their feedback. See docs/feedback.md. Thread-safe.
 */
public final class FeedbackApi implements ApiModule {
  /** The most items one request may carry. */
  public static final int MAX_ITEMS = FeedbackRepository.MAX_BATCH;

  /** How far in the future a feedback time may lie, for clocks that are a little ahead. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /* Problems list at most this many item errors; the detail says how many there were. */
  private static final int MAX_LISTED_ERRORS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FEEDBACK_MEMBERS =
      Set.of("prediction_id", "name", "value", "timestamp", "replace");
  private static final Set<String> PREDICTION_MEMBERS =
      Set.of(
          "prediction_id",
          "deployment",
          "environment",
          "model",
          "model_version",
          "inputs",
          "outputs",
          "timestamp",
          "latency_millis");
  private static final Instant END_OF_TIME = Instant.parse("+10000-01-01T00:00:00Z");

  private final ProjectRepository projects;
  private final FeedbackRepository feedback;
  private final PredictionLog log;
  private final LabelledPredictions labelled;
  private final Clock clock;
  private volatile LoggedPredictions logged = LoggedPredictions.NONE;

  public FeedbackApi(ProjectRepository projects, FeedbackRepository feedback, PredictionLog log) {
    this(projects, feedback, log, Clock.systemUTC());
  }

  /** Lets {@code logged} see external predictions around their append (the monitor does). */
  public void onLogged(LoggedPredictions logged) {
    this.logged = requireNonNull(logged, "logged is null");
  }

  FeedbackApi(
      ProjectRepository projects, FeedbackRepository feedback, PredictionLog log, Clock clock) {
    this.projects = requireNonNull(projects, "projects is null");
    this.feedback = requireNonNull(feedback, "feedback is null");
    this.log = requireNonNull(log, "log is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.labelled = new LabelledPredictions(log, feedback);
  }

  /** The join of predictions with their feedback that this API answers with, for monitoring. */
  public LabelledPredictions labelledPredictions() {
    return labelled;
  }

  @Override
  public void routes(ApiRoutes routes) {
    routes.post("/feedback", Access.WRITE, this::recordFeedback);
    routes.post("/projects/{project}/predictions", Access.WRITE, this::logPredictions);
    routes.get(
        "/projects/{project}/deployments/{name}/predictions", Access.READ, this::listPredictions);
  }

  // ---------------------------------------------------------------- feedback

  /* One feedback item once its shape is checked. */
  private record Item(
      int index,
      String predictionId,
      String name,
      JsonNode value,
      Optional<Instant> at,
      boolean replace) {}

  private void recordFeedback(ApiCall call) {
    Items body = items(call.body(JsonNode.class));
    Errors errors = new Errors();
    List<Item> items = new ArrayList<>();
    Instant now = clock.instant();
    for (int i = 0; i < body.nodes().size(); i++) {
      JsonNode node = body.nodes().get(i);
      int before = errors.size();
      if (!node.isObject()) {
        errors.add(body.pointer(i, ""), "an item must be an object with prediction_id and value");
        continue;
      }
      unknownMembers(node, FEEDBACK_MEMBERS, body, i, errors);
      String id = text(node, "prediction_id", true, body, i, errors);
      if (id != null && (id.isEmpty() || id.length() > 128)) {
        errors.add(body.pointer(i, "prediction_id"), "prediction_id must be 1 to 128 characters");
      }
      String name = text(node, "name", false, body, i, errors);
      if (name == null) {
        name = Feedback.LABEL;
      } else {
        try {
          Feedback.requireValidName(name);
        } catch (IllegalArgumentException e) {
          errors.add(body.pointer(i, "name"), e.getMessage());
        }
      }
      JsonNode value = node.get("value");
      if (value == null) {
        errors.add(body.pointer(i, "value"), "value is required: the " + name + "'s value");
      } else {
        String pointer = body.pointer(i, "value");
        checkValueType(name, value).ifPresent(m -> errors.add(pointer, m));
      }
      Optional<Instant> at = timestamp(node, body, i, errors);
      if (at.isPresent() && at.get().isAfter(now.plus(CLOCK_SKEW))) {
        errors.add(
            body.pointer(i, "timestamp"),
            "timestamp " + at.get() + " is in the future; send when the " + name + " happened");
      }
      JsonNode replace = node.get("replace");
      if (replace != null && !replace.isBoolean()) {
        errors.add(body.pointer(i, "replace"), "replace must be true or false");
      }
      if (errors.size() == before) {
        items.add(new Item(i, id, name, value, at, replace != null && replace.asBoolean()));
      }
    }
    errors.throwIfAny("feedback item");

    Set<String> ids = new LinkedHashSet<>();
    items.forEach(item -> ids.add(item.predictionId()));
    Map<String, PredictionRecord> known = new HashMap<>(lookup(ids));
    Map<String, Optional<Project>> owners = new HashMap<>();
    /* A prediction of a project the caller may not even read is unknown to them: saying more would
    tell who may not see it which ids exist. */
    known
        .values()
        .removeIf(
            prediction -> {
              Optional<Project> project =
                  owners.computeIfAbsent(
                      prediction.deployment(),
                      d -> feedback.projectOfDeployment(d).flatMap(projects::get));
              return project.isPresent() && !call.may(project.get().name(), Action.READ);
            });
    Errors unknown = new Errors();
    for (Item item : items) {
      if (!known.containsKey(item.predictionId())) {
        unknown.add(
            body.pointer(item.index(), "prediction_id"),
            "no logged prediction has the id '"
                + item.predictionId()
                + "'; send feedback after the prediction was answered (or logged)");
      }
    }
    unknown.throwIfAny(ProblemCode.UNKNOWN_PREDICTION, "feedback item");

    List<NewFeedback> rows = new ArrayList<>();
    Errors wrong = new Errors();
    for (Item item : items) {
      PredictionRecord prediction = known.get(item.predictionId());
      Optional<Project> project =
          owners.computeIfAbsent(
              prediction.deployment(), d -> feedback.projectOfDeployment(d).flatMap(projects::get));
      if (project.isEmpty()) {
        throw new ApiException(
            ProblemCode.UNKNOWN_PREDICTION,
            "prediction '"
                + item.predictionId()
                + "' was logged by deployment '"
                + prediction.deployment()
                + "', which no project holds any more",
            List.of(
                FieldError.body(
                    body.pointer(item.index(), "prediction_id"),
                    "its deployment belongs to no project")),
            Map.of(),
            null);
      }
      if (!call.may(project.get().name(), Action.WRITE)) {
        throw new ApiException.Forbidden(
            "'"
                + call.principal().map(Principal::name).orElse("anonymous")
                + "' may not write feedback on prediction '"
                + item.predictionId()
                + "' ("
                + body.pointer(item.index(), "prediction_id")
                + "): that needs the editor role in its deployment's project");
      }
      if (item.name().equals(Feedback.LABEL)) {
        labelMismatch(item.value(), prediction)
            .ifPresent(m -> wrong.add(body.pointer(item.index(), "value"), m));
      }
      rows.add(
          new NewFeedback(
              item.predictionId(),
              item.name(),
              canonical(item.value()),
              item.value().isNumber()
                  ? OptionalDouble.of(item.value().doubleValue())
                  : OptionalDouble.empty(),
              item.at().map(t -> t.truncatedTo(ChronoUnit.MILLIS)),
              prediction.deployment(),
              project.get().id(),
              item.replace()));
    }
    wrong.throwIfAny("feedback item");

    List<FeedbackRepository.Result> results;
    try {
      results = feedback.record(rows, actor(call));
    } catch (FeedbackConflictException e) {
      int index = items.get(e.index()).index();
      throw new ApiException(
          ProblemCode.CONFLICT,
          body.pointer(index, "") + ": " + e.getMessage() + "; nothing of the request was stored",
          List.of(FieldError.body(body.pointer(index, "value"), e.getMessage())),
          Map.of(),
          e);
    }
    ObjectNode response = JSON.createObjectNode();
    ArrayNode out = response.putArray("items");
    for (int i = 0; i < rows.size(); i++) {
      out.addObject()
          .put("prediction_id", rows.get(i).predictionId())
          .put("name", rows.get(i).name())
          .put("result", results.get(i).name().toLowerCase(Locale.ROOT));
    }
    call.json(200, response);
  }

  /*
   * Which values a feedback name takes: the label and custom outcomes any scalar, conversion a
   * boolean, revenue a number. Objects, arrays and null are never a feedback value.
   */
  private static Optional<String> checkValueType(String name, JsonNode value) {
    if (!value.isValueNode() || value.isNull()) {
      return Optional.of(
          name + " must be a single number, string or boolean, not " + describe(value));
    }
    if (name.equals("conversion") && !value.isBoolean()) {
      return Optional.of("conversion must be true or false, not " + describe(value));
    }
    if (name.equals("revenue") && !value.isNumber()) {
      return Optional.of("revenue must be a number, not " + describe(value));
    }
    if (value.isTextual() && value.asText().length() > 1_000) {
      return Optional.of(name + " must be at most 1000 characters of text");
    }
    return Optional.empty();
  }

  /*
   * The logged outputs say what the model predicted: Tend's outputs hold "label" for a classifier
   * (any scalar class is fine, also one the model never predicts) and "value" for a regression (a
   * number is needed); a bare number or text is read the same way. Other outputs take any scalar.
   */
  private static Optional<String> labelMismatch(JsonNode label, PredictionRecord prediction) {
    JsonNode outputs;
    try {
      outputs = JSON.readTree(prediction.outputs());
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    boolean regression =
        outputs.isNumber()
            || (outputs.isObject() && !outputs.has("label") && outputs.path("value").isNumber());
    if (regression && !label.isNumber()) {
      return Optional.of(
          "prediction '"
              + prediction.predictionId()
              + "' is a regression's number; its label must be a number too, not "
              + describe(label));
    }
    return Optional.empty();
  }

  /* The same value always as the same text: numbers without trailing zeros (1.0 is 1). */
  private static String canonical(JsonNode value) {
    if (value.isNumber()) {
      BigDecimal number = value.decimalValue().stripTrailingZeros();
      return number.scale() <= 0 && number.precision() - number.scale() <= 30
          ? number.toBigInteger().toString()
          : number.toString();
    }
    return value.toString();
  }

  // ---------------------------------------------------------------- external predictions

  private void logPredictions(ApiCall call) {
    Project project = project(call);
    Items body = items(call.body(JsonNode.class));
    Errors errors = new Errors();
    List<PredictionRecord> records = new ArrayList<>();
    Map<String, Integer> deployments = new LinkedHashMap<>();
    Instant now = clock.instant();
    for (int i = 0; i < body.nodes().size(); i++) {
      JsonNode node = body.nodes().get(i);
      if (!node.isObject()) {
        errors.add(body.pointer(i, ""), "an item must be an object describing one prediction");
        continue;
      }
      int before = errors.size();
      unknownMembers(node, PREDICTION_MEMBERS, body, i, errors);
      String id = text(node, "prediction_id", false, body, i, errors);
      String deployment = text(node, "deployment", true, body, i, errors);
      String environment = text(node, "environment", false, body, i, errors);
      String model = text(node, "model", true, body, i, errors);
      String version = versionText(node, body, i, errors);
      JsonNode inputs = node.get("inputs");
      if (inputs == null || !inputs.isObject()) {
        errors.add(
            body.pointer(i, "inputs"), "inputs must be an object of the features the model saw");
      }
      JsonNode outputs = node.get("outputs");
      if (outputs == null) {
        errors.add(body.pointer(i, "outputs"), "outputs is required: what the model answered");
      }
      Optional<Instant> at = timestamp(node, body, i, errors);
      long latencyMicros = 0;
      JsonNode latency = node.get("latency_millis");
      if (latency != null) {
        if (!latency.isNumber() || latency.doubleValue() < 0 || latency.doubleValue() > 8.64e10) {
          errors.add(
              body.pointer(i, "latency_millis"),
              "latency_millis must be a number of milliseconds, not negative");
        } else {
          latencyMicros = Math.round(latency.doubleValue() * 1000);
        }
      }
      if (errors.size() > before) {
        continue;
      }
      try {
        records.add(
            new PredictionRecord(
                id == null ? PredictionIds.next() : id,
                deployment,
                environment == null ? "external" : environment,
                model,
                version,
                inputs.toString(),
                outputs.toString(),
                latencyMicros,
                at.orElse(now),
                Optional.empty()));
        deployments.putIfAbsent(deployment, i);
      } catch (IllegalArgumentException e) {
        errors.add(body.pointer(i, recordField(e.getMessage())), e.getMessage());
      }
    }
    errors.throwIfAny("prediction");
    for (Map.Entry<String, Integer> deployment : deployments.entrySet()) {
      try {
        feedback.claimDeployment(project.id(), deployment.getKey(), actor(call));
      } catch (ConflictException e) {
        throw new ApiException(
            ProblemCode.CONFLICT,
            "the deployment name '"
                + deployment.getKey()
                + "' belongs to another project; log under a name of project '"
                + project.name()
                + "'",
            List.of(
                FieldError.body(body.pointer(deployment.getValue(), "deployment"), e.getMessage())),
            Map.of(),
            e);
      }
    }
    logged.log(records, () -> append(records));
    ObjectNode response = JSON.createObjectNode();
    ArrayNode ids = response.putArray("prediction_ids");
    records.forEach(r -> ids.add(r.predictionId()));
    call.json(200, response);
  }

  /* Queues every record, then waits until all are durable. */
  private void append(List<PredictionRecord> records) {
    List<CompletableFuture<Void>> pending = new ArrayList<>(records.size());
    try {
      for (PredictionRecord record : records) {
        pending.add(log.append(record));
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    } catch (PredictionLogFullException e) {
      throw full(e);
    } catch (CompletionException e) {
      if (e.getCause() instanceof PredictionLogFullException f) {
        throw full(f);
      }
      throw e.getCause() instanceof PredictionLogException p ? p : e;
    }
  }

  private static ApiException full(PredictionLogFullException e) {
    return new ApiException(
        ProblemCode.PREDICTION_LOG_FULL,
        "the prediction log is behind its disk and refused more predictions; retry in a moment"
            + " (items before the refused one may be logged already)",
        List.of(),
        Map.of("Retry-After", "1"),
        e);
  }

  /* PredictionRecord's messages begin with the field they are about. */
  private static String recordField(String message) {
    for (String[] field :
        new String[][] {
          {"predictionId", "prediction_id"},
          {"deployment", "deployment"},
          {"environment", "environment"},
          {"modelName", "model"},
          {"modelVersion", "model_version"},
          {"inputs", "inputs"},
          {"outputs", "outputs"},
          {"timestamp", "timestamp"},
          {"latencyMicros", "latency_millis"}
        }) {
      if (message.startsWith(field[0] + " ")) {
        return field[1];
      }
    }
    return "";
  }

  // ---------------------------------------------------------------- listing

  private void listPredictions(ApiCall call) {
    Project project = project(call);
    String name = call.pathParam("name");
    if (!feedback.projectOfDeployment(name).map(project.id()::equals).orElse(false)) {
      throw new ApiException.NotFound(
          "project '" + project.name() + "' has no deployment named '" + name + "'");
    }
    Instant from = instantParam(call, "from").orElse(Instant.EPOCH);
    Instant to = instantParam(call, "to").orElse(END_OF_TIME);
    if (to.isBefore(from)) {
      throw new ApiException.ValidationFailed(
          FieldError.query("to", "to (" + to + ") must not be before from (" + from + ")"));
    }
    boolean withFeedback = booleanParam(call, "with_feedback");
    PageRequest page = call.pageRequest();
    Optional<Position> after = page.after().map(Position::parse);
    if (page.after().isPresent() && after.get() == null) {
      throw new ApiException.ValidationFailed(
          FieldError.query("cursor", "cursor is not one this route returned"));
    }
    List<PredictionRecord> records = pageOf(name, from, to, after, page.limit() + 1);
    Optional<String> next = Optional.empty();
    if (records.size() > page.limit()) {
      records = records.subList(0, page.limit());
      PredictionRecord last = records.getLast();
      next = Optional.of(last.timestampMicros() + ":" + last.predictionId());
    }
    ArrayNode items = JSON.createArrayNode();
    if (withFeedback) {
      labelled.join(records).forEach(l -> items.add(view(l.prediction(), Optional.of(l))));
    } else {
      records.forEach(r -> items.add(view(r, Optional.empty())));
    }
    ObjectNode response = JSON.createObjectNode();
    response.set("items", items);
    next.ifPresent(
        position -> {
          String cursor = Cursor.encode(position);
          response.put("next_cursor", cursor);
          call.context().header("Link", "<" + nextUrl(call, cursor) + ">; rel=\"next\"");
        });
    call.json(200, response);
  }

  /* Where a page ended: the last prediction's time and id. */
  private record Position(long micros, String predictionId) {
    /* Null when the text is not a position. */
    static Position parse(String text) {
      int colon = text.indexOf(':');
      try {
        return colon < 1
            ? null
            : new Position(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
      } catch (NumberFormatException e) {
        return null;
      }
    }

    boolean before(PredictionRecord r) {
      return micros < r.timestampMicros()
          || (micros == r.timestampMicros() && predictionId.compareTo(r.predictionId()) < 0);
    }
  }

  /*
   * Up to `wanted` predictions after the position, earliest first. The log pages by time only, so
   * predictions at the position's instant are read again and skipped; the read grows until enough
   * are left or the range is exhausted.
   */
  private List<PredictionRecord> pageOf(
      String deployment, Instant from, Instant to, Optional<Position> after, int wanted) {
    Instant start = from;
    if (after.isPresent()) {
      Instant position = Instant.EPOCH.plus(after.get().micros(), ChronoUnit.MICROS);
      start = position.isAfter(from) ? position : from;
    }
    if (!start.isBefore(to)) {
      return List.of();
    }
    int limit = wanted;
    while (true) {
      List<PredictionRecord> read = log.query(PredictionQuery.of(deployment, start, to, limit));
      List<PredictionRecord> kept =
          after.isEmpty() ? read : read.stream().filter(after.get()::before).toList();
      if (kept.size() >= wanted || read.size() < limit) {
        return kept.size() > wanted ? kept.subList(0, wanted) : kept;
      }
      limit = Math.min(Integer.MAX_VALUE / 2, limit * 2);
    }
  }

  private static ObjectNode view(PredictionRecord r, Optional<LabelledPrediction> labelled) {
    ObjectNode node = JSON.createObjectNode();
    node.put("prediction_id", r.predictionId())
        .put("deployment", r.deployment())
        .put("environment", r.environment())
        .put("model", r.modelName())
        .put("model_version", r.modelVersion())
        .put("timestamp", r.timestamp().toString())
        .put("latency_millis", r.latencyMicros() / 1000.0);
    r.requestId().ifPresent(id -> node.put("request_id", id));
    node.set("inputs", parse(r.inputs()));
    node.set("outputs", parse(r.outputs()));
    labelled.ifPresent(
        l -> {
          if (l.label().isPresent()) {
            node.set("label", feedbackView(l.label().get()));
          } else {
            node.putNull("label");
          }
          ObjectNode outcomes = node.putObject("outcomes");
          l.outcomes().entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .forEach(e -> outcomes.set(e.getKey(), feedbackView(e.getValue())));
        });
    return node;
  }

  private static ObjectNode feedbackView(Feedback f) {
    ObjectNode node = JSON.createObjectNode();
    node.set("value", parse(f.value()));
    node.put("timestamp", f.occurredAt().toString())
        .put("received_at", f.receivedAt().toString())
        .put("received_by", f.receivedBy())
        .put("corrections", f.corrections());
    return node;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the log holds JSON that does not parse", e);
    }
  }

  private static String nextUrl(ApiCall call, String cursor) {
    StringBuilder query = new StringBuilder();
    call.context()
        .queryParamMap()
        .forEach(
            (key, values) -> {
              if (!key.equals("cursor")) {
                values.forEach(
                    v ->
                        query
                            .append(query.isEmpty() ? "" : "&")
                            .append(encode(key))
                            .append('=')
                            .append(encode(v)));
              }
            });
    query.append(query.isEmpty() ? "" : "&").append("cursor=").append(encode(cursor));
    return call.context().path() + "?" + query;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static Optional<Instant> instantParam(ApiCall call, String name) {
    Optional<String> text = call.queryParam(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Instant at = Instant.parse(text.get());
      if (at.isBefore(Instant.EPOCH) || at.isAfter(END_OF_TIME)) {
        throw new DateTimeParseException("out of range", text.get(), 0);
      }
      return Optional.of(at);
    } catch (DateTimeParseException e) {
      throw new ApiException.ValidationFailed(
          FieldError.query(
              name,
              name
                  + " must be an ISO-8601 instant such as 2026-11-20T10:15:30Z, found '"
                  + text.get()
                  + "'"));
    }
  }

  private static boolean booleanParam(ApiCall call, String name) {
    Optional<String> text = call.queryParam(name);
    if (text.isEmpty() || text.get().equals("false")) {
      return false;
    }
    if (text.get().equals("true")) {
      return true;
    }
    throw new ApiException.ValidationFailed(
        FieldError.query(name, name + " must be true or false, found '" + text.get() + "'"));
  }

  // ---------------------------------------------------------------- helpers

  /* A request's items: {"items": [...]}, or one item given as the whole body. */
  private record Items(List<JsonNode> nodes, boolean batch) {
    String pointer(int index, String field) {
      String item = batch ? "/items/" + index : "";
      return field.isEmpty() ? (item.isEmpty() ? "" : item) : item + "/" + field;
    }
  }

  private static Items items(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new ApiException.ValidationFailed(
          FieldError.body("", "the body must be an object: one item, or {\"items\": [...]}"));
    }
    if (!body.has("items")) {
      return new Items(List.of(body), false);
    }
    JsonNode items = body.get("items");
    if (!items.isArray() || items.isEmpty() || items.size() > MAX_ITEMS) {
      throw new ApiException.ValidationFailed(
          FieldError.body("/items", "items must be an array of 1 to " + MAX_ITEMS + " items"));
    }
    if (body.size() > 1) {
      throw new ApiException.ValidationFailed(FieldError.body("", "a batch body holds only items"));
    }
    List<JsonNode> nodes = new ArrayList<>(items.size());
    items.forEach(nodes::add);
    return new Items(nodes, true);
  }

  private static void unknownMembers(
      JsonNode node, Set<String> known, Items body, int index, Errors errors) {
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                errors.add(
                    body.pointer(index, name),
                    "unknown member '"
                        + name
                        + "'; known members: "
                        + known.stream().sorted().toList());
              }
            });
  }

  private static String text(
      JsonNode node, String field, boolean required, Items body, int index, Errors errors) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        errors.add(body.pointer(index, field), field + " is required");
      }
      return null;
    }
    if (!value.isTextual()) {
      errors.add(body.pointer(index, field), field + " must be a string, not " + describe(value));
      return null;
    }
    return value.asText();
  }

  /* A model version may be sent as text or as a whole number. */
  private static String versionText(JsonNode node, Items body, int index, Errors errors) {
    JsonNode value = node.get("model_version");
    if (value != null && value.canConvertToExactIntegral() && value.isIntegralNumber()) {
      return value.asText();
    }
    return text(node, "model_version", true, body, index, errors);
  }

  private static Optional<Instant> timestamp(JsonNode node, Items body, int index, Errors errors) {
    JsonNode value = node.get("timestamp");
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    try {
      if (value.isTextual()) {
        Instant at = Instant.parse(value.asText());
        if (!at.isBefore(Instant.EPOCH) && at.isBefore(END_OF_TIME)) {
          return Optional.of(at);
        }
      }
    } catch (DateTimeParseException e) {
      // Reported below.
    }
    errors.add(
        body.pointer(index, "timestamp"),
        "timestamp must be an ISO-8601 instant between 1970 and 9999, such as"
            + " 2026-11-20T10:15:30Z, not "
            + describe(value));
    return Optional.empty();
  }

  private static String describe(JsonNode value) {
    String text = value.toString();
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return switch (value.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case NULL -> "null";
      case STRING -> "the string " + shown;
      case BOOLEAN -> "the boolean " + shown;
      case NUMBER -> "the number " + shown;
      default -> shown;
    };
  }

  private Map<String, PredictionRecord> lookup(Set<String> ids) {
    try {
      return log.lookup(ids);
    } catch (PredictionLogException e) {
      throw new IllegalStateException("cannot read the prediction log", e);
    }
  }

  private Project project(ApiCall call) {
    String name = call.pathParam("project");
    try {
      Names.requireValid("project", name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(FieldError.path("project", e.getMessage()));
    }
    return projects
        .findByName(name)
        .orElseThrow(() -> new ApiException.NotFound("no project named '" + name + "'"));
  }

  private static String actor(ApiCall call) {
    return call.principal().map(Principal::name).orElseThrow();
  }

  /* Field errors of a request's items, thrown together. */
  private static final class Errors {
    private final List<FieldError> errors = new ArrayList<>();
    private int count;

    void add(String pointer, String message) {
      count++;
      if (errors.size() < MAX_LISTED_ERRORS) {
        errors.add(FieldError.body(pointer, message));
      }
    }

    int size() {
      return count;
    }

    void throwIfAny(String what) {
      throwIfAny(ProblemCode.VALIDATION_FAILED, what);
    }

    void throwIfAny(ProblemCode code, String what) {
      if (count == 0) {
        return;
      }
      String detail =
          (count == 1
                  ? errors.getFirst().field() + ": " + errors.getFirst().message()
                  : count
                      + " problems with the "
                      + what
                      + "s, the first at "
                      + errors.getFirst().field()
                      + ": "
                      + errors.getFirst().message())
              + "; nothing was stored";
      throw new ApiException(code, detail, errors, Map.of(), null);
    }
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, FeedbackApi.class, "feedback-openapi.json");
  }
}
