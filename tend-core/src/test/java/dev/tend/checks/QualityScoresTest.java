package dev.tend.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class QualityScoresTest {
  private static CheckResult result(Check check, double score) {
    return new CheckResult(
        check,
        score == 1 ? CheckResult.Outcome.PASSED : CheckResult.Outcome.FAILED,
        "",
        "",
        OptionalLong.empty(),
        OptionalLong.empty(),
        score,
        Optional.empty(),
        List.of());
  }

  @Test
  void dimensionScoresAverageTheirChecksAndOverallAveragesDimensions() {
    Check a = new Check.CompletenessCheck(CheckHeader.of("a"), "a", 0);
    Check b = new Check.CompletenessCheck(CheckHeader.of("b"), "b", 0);
    Check c = new Check.UniquenessCheck(CheckHeader.of("c"), List.of("c"), 0);
    QualityScores scores = QualityScores.of(List.of(result(a, 1), result(b, 0.9), result(c, 0.5)));
    assertThat(scores.byDimension().get(Dimension.COMPLETENESS)).isCloseTo(95, within());
    assertThat(scores.byDimension().get(Dimension.UNIQUENESS)).isCloseTo(50, within());
    assertThat(scores.overall().getAsDouble()).isCloseTo(72.5, within());
    List<QualityScores.ThresholdResult> judged =
        scores.judge(
            List.of(
                new Threshold(Optional.of(Dimension.COMPLETENESS), 95, SourceLocation.UNKNOWN),
                new Threshold(Optional.empty(), 73, SourceLocation.UNKNOWN),
                new Threshold(Optional.of(Dimension.TIMELINESS), 1, SourceLocation.UNKNOWN)));
    assertThat(judged)
        .extracting(QualityScores.ThresholdResult::passed)
        .containsExactly(true, false, false);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
