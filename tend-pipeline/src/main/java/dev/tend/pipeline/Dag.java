package dev.tend.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Order and cycles of a graph given as node → the nodes it needs (its predecessors). */
public final class Dag {
  private Dag() {}

  /**
   * A cycle if there is one, as the nodes along it with the first repeated at the end ({@code a, b,
   * a}); needs naming unknown nodes are ignored.
   */
  public static Optional<List<String>> cycle(Map<String, List<String>> needs) {
    Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
    for (String start : needs.keySet()) {
      if (state.containsKey(start)) {
        continue;
      }
      Deque<String> path = new ArrayDeque<>();
      Deque<java.util.Iterator<String>> pending = new ArrayDeque<>();
      path.push(start);
      pending.push(needs.get(start).iterator());
      state.put(start, 1);
      while (!path.isEmpty()) {
        var next = pending.peek();
        if (!next.hasNext()) {
          state.put(path.pop(), 2);
          pending.pop();
          continue;
        }
        String need = next.next();
        if (!needs.containsKey(need)) {
          continue;
        }
        Integer seen = state.get(need);
        if (seen == null) {
          state.put(need, 1);
          path.push(need);
          pending.push(needs.get(need).iterator());
        } else if (seen == 1) {
          List<String> cycle = new ArrayList<>();
          cycle.add(need);
          for (String node : path) { // from the top: the most recent first
            cycle.add(node);
            if (node.equals(need)) {
              break;
            }
          }
          // path order runs from need back to need; reverse so it reads "a needs b needs ..."
          return Optional.of(cycle.reversed());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The nodes such that each comes after everything it needs; ties keep declaration order (Kahn's
   * algorithm, taking the earliest declared ready node). Requires an acyclic graph.
   */
  public static List<String> topologicalOrder(Map<String, List<String>> needs) {
    Map<String, Integer> waiting = new LinkedHashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    Map<String, Integer> position = new HashMap<>();
    for (var entry : needs.entrySet()) {
      position.put(entry.getKey(), position.size());
      int count = 0;
      for (String need : entry.getValue().stream().distinct().toList()) {
        if (needs.containsKey(need)) {
          count++;
          dependents.computeIfAbsent(need, k -> new ArrayList<>()).add(entry.getKey());
        }
      }
      waiting.put(entry.getKey(), count);
    }
    var ready = new java.util.PriorityQueue<String>(java.util.Comparator.comparing(position::get));
    waiting.forEach(
        (node, count) -> {
          if (count == 0) {
            ready.add(node);
          }
        });
    List<String> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      String node = ready.poll();
      order.add(node);
      for (String dependent : dependents.getOrDefault(node, List.of())) {
        if (waiting.merge(dependent, -1, Integer::sum) == 0) {
          ready.add(dependent);
        }
      }
    }
    if (order.size() != needs.size()) {
      throw new IllegalArgumentException("the graph has a cycle");
    }
    return order;
  }
}
