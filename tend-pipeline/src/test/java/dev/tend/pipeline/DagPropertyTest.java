package dev.tend.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random step graphs written as pipeline files: acyclic ones parse and their order respects every
 * need; adding an edge that closes a loop is reported as a cycle along real edges.
 */
class DagPropertyTest {

  /** A random DAG: node i may need only nodes created before it; declared in shuffled order. */
  private static Map<String, List<String>> randomDag(int size, long seed) {
    Random random = new Random(seed);
    List<String> created = new ArrayList<>();
    Map<String, List<String>> needs = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      String id = "s" + i;
      List<String> mine = new ArrayList<>();
      for (String earlier : created) {
        if (random.nextInt(4) == 0) {
          mine.add(earlier);
        }
      }
      created.add(id);
      needs.put(id, mine);
    }
    List<String> order = new ArrayList<>(created);
    java.util.Collections.shuffle(order, random);
    Map<String, List<String>> shuffled = new LinkedHashMap<>();
    for (String id : order) {
      shuffled.put(id, needs.get(id));
    }
    return shuffled;
  }

  private static String yaml(Map<String, List<String>> needs) {
    StringBuilder text = new StringBuilder("name: random\nsteps:\n");
    needs.forEach(
        (id, mine) ->
            text.append("  - id: ")
                .append(id)
                .append("\n    kind: command\n    needs: [")
                .append(String.join(", ", mine))
                .append("]\n    argv: [echo, ")
                .append(id)
                .append("]\n"));
    return text.toString();
  }

  @Property(tries = 300)
  void orderOfAnAcyclicPipelineRespectsNeeds(
      @ForAll @IntRange(min = 1, max = 25) int size, @ForAll long seed) {
    Map<String, List<String>> needs = randomDag(size, seed);
    Pipeline pipeline = PipelineParser.parse(yaml(needs), "random.yaml");

    List<String> order = pipeline.topologicalOrder().stream().map(Step::id).toList();

    assertThat(order).containsExactlyInAnyOrderElementsOf(needs.keySet());
    for (var entry : needs.entrySet()) {
      for (String need : entry.getValue()) {
        assertThat(order.indexOf(need)).isLessThan(order.indexOf(entry.getKey()));
      }
    }
    assertThat(Dag.cycle(needs)).isEmpty();
  }

  @Property(tries = 300)
  void closingALoopIsReportedAsACycle(
      @ForAll @IntRange(min = 2, max = 25) int size, @ForAll long seed) {
    Map<String, List<String>> needs = randomDag(size, seed);
    Random random = new Random(seed ^ 0x5DEECE66DL);
    List<String> ids = new ArrayList<>(needs.keySet());
    String from = ids.get(random.nextInt(ids.size()));
    List<String> below = new ArrayList<>(descendants(needs, from));
    if (below.isEmpty()) {
      String other = ids.stream().filter(id -> !id.equals(from)).findFirst().orElseThrow();
      needs.put(other, append(needs.get(other), from));
      below.add(other);
    }
    // from -> ... -> target already holds (target needs from); from needing target closes it
    String target = below.get(random.nextInt(below.size()));
    needs.put(from, append(needs.get(from), target));

    List<String> cycle = Dag.cycle(needs).orElseThrow();
    assertThat(cycle.getFirst()).isEqualTo(cycle.getLast());
    assertThat(cycle.size()).isGreaterThanOrEqualTo(3);
    for (int i = 0; i + 1 < cycle.size(); i++) {
      assertThat(needs.get(cycle.get(i))).contains(cycle.get(i + 1));
    }
    assertThatThrownBy(() -> Dag.topologicalOrder(needs))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PipelineParser.parse(yaml(needs), "random.yaml"))
        .isInstanceOf(PipelineException.class)
        .hasMessageStartingWith("steps form a cycle: ");
  }

  /** The nodes that need {@code node}, directly or not. */
  private static Set<String> descendants(Map<String, List<String>> needs, String node) {
    Set<String> found = new HashSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (var entry : needs.entrySet()) {
        if (!found.contains(entry.getKey())
            && entry.getValue().stream().anyMatch(n -> n.equals(node) || found.contains(n))) {
          found.add(entry.getKey());
          grew = true;
        }
      }
    }
    return found;
  }

  private static List<String> append(List<String> list, String item) {
    List<String> copy = new ArrayList<>(list);
    if (!copy.contains(item)) {
      copy.add(item);
    }
    return copy;
  }
}
