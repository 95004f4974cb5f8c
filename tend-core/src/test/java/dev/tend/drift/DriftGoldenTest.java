package dev.tend.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

/**
 * Checks the drift measures against scipy and numpy values written by {@code
 * golden/drift_golden.py} into {@code golden/drift_golden.csv}. Exact-sample values agree to
 * {@value #RELATIVE} relative; sketch-based values are checked against the exact ones within the
 * bounds documented on each assertion.
 */
class DriftGoldenTest {
  private static final double RELATIVE = 1e-9;

  @Test
  void numericMeasuresMatchScipy() throws IOException {
    List<String[]> rows = rows("numeric");
    assertThat(rows).hasSize(10);
    for (String[] row : rows) {
      String name = row[1];
      double[] ref = GoldenInputs.generate(row[2]);
      double[] cur = GoldenInputs.generate(row[3]);

      TestOutcome auto = KolmogorovSmirnov.test(ref, cur);
      assertClose(name + " ks d", auto.statistic(), row[4]);
      assertClose(name + " ks p auto", auto.pValue(), row[5]);
      TestOutcome asymp = KolmogorovSmirnov.test(ref, cur, KolmogorovSmirnov.Method.ASYMPTOTIC);
      assertClose(name + " ks d asymp", asymp.statistic(), row[6]);
      assertClose(name + " ks p asymp", asymp.pValue(), row[7]);
      assertClose(name + " wasserstein", Wasserstein.distance(ref, cur), row[8]);
      assertClose(name + " wasserstein normalized", Wasserstein.normalized(ref, cur), row[9]);
      assertClose(name + " psi", Psi.of(ref, cur, DriftDefaults.BINS), row[10]);
      assertClose(name + " js", JensenShannon.of(ref, cur, DriftDefaults.BINS), row[11]);
    }
  }

  @Test
  void categoricalMeasuresMatchScipy() throws IOException {
    List<String[]> rows = rows("categorical");
    assertThat(rows).hasSize(6);
    for (String[] row : rows) {
      String name = row[1];
      Map<String, Long> ref = counts(row[2]);
      Map<String, Long> cur = counts(row[3]);
      TestOutcome chi = ChiSquare.test(ref, cur);
      assertClose(name + " chi2", chi.statistic(), row[4]);
      assertClose(name + " chi2 p", chi.pValue(), row[5]);
      assertClose(name + " cramers v", ChiSquare.cramersV(ref, cur), row[7]);
      assertClose(name + " psi", Psi.of(ref, cur), row[8]);
      assertClose(name + " js", JensenShannon.of(ref, cur), row[9]);
    }
  }

  @Test
  void kolmogorovSurvivalMatchesScipyKstwo() throws IOException {
    List<String[]> rows = rows("kstwo");
    assertThat(rows).hasSizeGreaterThan(10);
    for (String[] row : rows) {
      long n = Long.parseLong(row[1]);
      double x = Double.parseDouble(row[2]);
      assertClose(
          "kstwo.sf(" + x + ", " + n + ")", KolmogorovDistribution.oneSampleSf(x, n), row[3]);
    }
  }

  /**
   * Sketch-based KS D stays within the sum of both sketches' normalized rank errors of the exact D;
   * other sketch values are looser because bins and integrals move with quantile error.
   */
  @Test
  void sketchMeasuresStayNearExactValues() throws IOException {
    for (String[] row : rows("numeric")) {
      String name = row[1];
      double[] ref = GoldenInputs.generate(row[2]);
      double[] cur = GoldenInputs.generate(row[3]);
      KllDoublesSketch refSketch = sketch(ref);
      KllDoublesSketch curSketch = sketch(cur);
      double rankError =
          refSketch.getNormalizedRankError(false) + curSketch.getNormalizedRankError(false);
      double exactD = Double.parseDouble(row[6]);
      TestOutcome ks = KolmogorovSmirnov.test(refSketch, curSketch);
      assertThat(ks.statistic()).as(name + " sketch ks d").isCloseTo(exactD, within(rankError));
      double lo = Math.min(ref[0], cur[0]);
      double hi = Math.max(ref[0], cur[0]);
      for (double v : ref) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      for (double v : cur) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      assertThat(Wasserstein.distance(refSketch, curSketch))
          .as(name + " sketch wasserstein")
          .isCloseTo(Double.parseDouble(row[8]), within(rankError * (hi - lo)));
      if (ref.length >= 2000 && cur.length >= 2000) {
        assertThat(Psi.of(refSketch, curSketch, DriftDefaults.BINS))
            .as(name + " sketch psi")
            .isCloseTo(Double.parseDouble(row[10]), within(0.01));
        assertThat(JensenShannon.of(refSketch, curSketch, DriftDefaults.BINS))
            .as(name + " sketch js")
            .isCloseTo(Double.parseDouble(row[11]), within(0.02));
      }
    }
  }

  private static KllDoublesSketch sketch(double[] values) {
    KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance();
    for (double v : values) {
      sketch.update(v);
    }
    return sketch;
  }

  private static void assertClose(String what, double actual, String expectedText) {
    double expected = Double.parseDouble(expectedText);
    double tolerance = Math.max(RELATIVE * Math.abs(expected), 1e-15);
    assertThat(actual).as(what).isCloseTo(expected, within(tolerance));
  }

  private static Map<String, Long> counts(String encoded) {
    Map<String, Long> counts = new TreeMap<>();
    for (String pair : encoded.split(";")) {
      String[] kv = pair.split("=");
      counts.put(kv[0], Long.parseLong(kv[1]));
    }
    return counts;
  }

  private static List<String[]> rows(String kind) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = DriftGoldenTest.class.getResourceAsStream("/golden/drift_golden.csv");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank() && !line.startsWith("#") && line.startsWith(kind + ",")) {
          rows.add(line.split(","));
        }
      }
    }
    return rows;
  }
}
