package dev.tend.train.model;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * For any row (missing values, negative, fractional, huge and unseen category codes), the tree
 * evaluator predicts what XGBoost4J predicts for the golden categorical models.
 */
class TreeEnsemblePropertyTest {
  private static final PythonXgboostModel FOREST_TREES = forest(true);
  private static final PythonXgboostModel FOREST_BOOSTER = forest(false);
  private static final PythonXgboostModel BINARY_TREES = binary(true);
  private static final PythonXgboostModel BINARY_BOOSTER = binary(false);

  private static PythonXgboostModel forest(boolean trees) {
    return PythonXgboostModel.load(Golden.folder("python-xgboost/forest"), "model.ubj", trees);
  }

  private static PythonXgboostModel binary(boolean trees) {
    return PythonXgboostModel.load(
        Golden.folder("python-xgboost/binary-json"), "model.json", trees);
  }

  @AfterContainer
  static void close() {
    for (PythonXgboostModel m :
        List.of(FOREST_TREES, FOREST_BOOSTER, BINARY_TREES, BINARY_BOOSTER)) {
      m.close();
    }
  }

  @Provide
  Arbitrary<Float> value() {
    return Arbitraries.oneOf(
        Arbitraries.just(Float.NaN),
        Arbitraries.integers().between(-3, 70).map(i -> (float) i),
        Arbitraries.floats().between(-10, 30).ofScale(2),
        Arbitraries.floats().between(-5e3f, 5e3f),
        Arbitraries.of(-1e30f, 1e30f, 16_777_216f, 16_777_215f, 1e7f, -0.0f, Float.MIN_VALUE));
  }

  @Provide
  Arbitrary<float[]> forestRow() {
    return value().array(float[].class).ofSize(3);
  }

  @Provide
  Arbitrary<float[]> binaryRow() {
    return value().array(float[].class).ofSize(4);
  }

  @Property(tries = 500)
  void theForestPredictsAsXgboost4j(@ForAll("forestRow") float[] row) {
    TreeEnsembleTest.assertClose(FOREST_TREES.raw(row, 1), FOREST_BOOSTER.raw(row, 1));
  }

  @Property(tries = 500)
  void theBinaryModelPredictsAsXgboost4j(@ForAll("binaryRow") float[] row) {
    TreeEnsembleTest.assertClose(BINARY_TREES.raw(row, 1), BINARY_BOOSTER.raw(row, 1));
  }
}
