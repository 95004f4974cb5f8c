package dev.tend.server.config;

import dev.tend.server.alerting.channel.ChannelSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads {@code alerting.channels}: a YAML list of mappings, turned into {@link ChannelSettings}
 * with errors that name the file, line and column of the wrong field. {@code ${NAME}} in a value is
 * replaced by environment variable {@code NAME}, so secrets need not be written in the file.
 */
final class AlertChannelsReader {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private AlertChannelsReader() {}

  static List<ChannelSettings> read(String label, Node node, Map<String, String> env) {
    String key = TendConfigLoader.ALERTING_CHANNELS;
    if (TendConfigLoader.isNull(node)) {
      return List.of();
    }
    if (!(node instanceof SequenceNode sequence)) {
      throw new ConfigException(
          TendConfigLoader.at(label, node)
              + ": "
              + key
              + " must be a list of channels, each a mapping with name, type and the type's fields");
    }
    List<ChannelSettings> channels = new ArrayList<>();
    Map<String, String> firstAt = new HashMap<>();
    int index = 0;
    for (Node item : sequence.getValue()) {
      String where = key + "[" + index++ + "]";
      String itemAt = TendConfigLoader.at(label, item);
      if (!(item instanceof MappingNode mapping)) {
        throw new ConfigException(
            itemAt + ": " + where + " must be a mapping with name, type and the type's fields");
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      Map<String, String> origins = new HashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode fieldNode)) {
          throw new ConfigException(
              TendConfigLoader.at(label, tuple.getKeyNode()) + ": keys must be plain names");
        }
        String field = fieldNode.getValue();
        String fieldAt = TendConfigLoader.at(label, tuple.getValueNode());
        origins.put(field, fieldAt);
        fields.put(field, value(tuple.getValueNode(), fieldAt, where + "." + field, env));
      }
      ChannelSettings settings;
      try {
        settings = ChannelSettings.parse(fields);
      } catch (ChannelSettings.Invalid e) {
        String at = origins.getOrDefault(e.field(), itemAt);
        throw new ConfigException(at + ": " + where + "." + e.field() + " " + e.getMessage());
      }
      String previous = firstAt.putIfAbsent(settings.name(), itemAt);
      if (previous != null) {
        throw new ConfigException(
            origins.get("name")
                + ": "
                + where
                + ".name '"
                + settings.name()
                + "' is already the name of the channel at "
                + previous);
      }
      channels.add(settings);
    }
    return channels;
  }

  /* A scalar as text, a list of scalars, or a mapping of scalars (headers). */
  private static Object value(Node node, String at, String where, Map<String, String> env) {
    if (TendConfigLoader.isNull(node)) {
      return null;
    }
    if (node instanceof ScalarNode scalar) {
      return expand(scalar.getValue(), at, where, env);
    }
    if (node instanceof SequenceNode sequence) {
      List<String> items = new ArrayList<>();
      for (Node item : sequence.getValue()) {
        if (!(item instanceof ScalarNode scalar)) {
          throw new ConfigException(at + ": " + where + " must be a list of single values");
        }
        items.add(expand(scalar.getValue(), at, where, env));
      }
      return items;
    }
    MappingNode mapping = (MappingNode) node;
    Map<String, String> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode k)
          || !(tuple.getValueNode() instanceof ScalarNode v)) {
        throw new ConfigException(at + ": " + where + " must map names to single values");
      }
      entries.put(k.getValue(), expand(v.getValue(), at, where, env));
    }
    return entries;
  }

  private static String expand(String text, String at, String where, Map<String, String> env) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) {
        throw new ConfigException(
            at
                + ": "
                + where
                + " refers to environment variable "
                + m.group(1)
                + ", which is not set");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
