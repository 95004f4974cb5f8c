package dev.tend.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** How the UI writes figures it did not choose the scale of. */
class FormatsTest {
  @Test
  void significantDigitsDropTrailingZerosAndNeverUseAnExponent() {
    assertThat(Formats.significant(0.20832658626555065, 4)).isEqualTo("0.2083");
    assertThat(Formats.significant(-9.758498560047124E-4, 4)).isEqualTo("-0.0009758");
    assertThat(Formats.significant(5.0, 4)).isEqualTo("5");
    assertThat(Formats.significant(0.1, 4)).isEqualTo("0.1");
    assertThat(Formats.significant(123456.0, 4)).isEqualTo("123500");
    assertThat(Formats.significant(0.0, 4)).isEqualTo("0");
    assertThat(Formats.significant(Double.NaN, 4)).isEqualTo(Formats.NONE);
    assertThat(Formats.significant(Double.NEGATIVE_INFINITY, 4)).isEqualTo(Formats.NONE);
  }

  @Test
  void significantDigitsAreWithinHalfAUnitOfTheLastDigit() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 10_000; i++) {
      double value = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-8, 9));
      String text = Formats.significant(value, 4);
      assertThat(text).doesNotContain("E", "e");
      double back = Double.parseDouble(text);
      assertThat(back).as(text).isCloseTo(value, within(Math.abs(value) * 5e-4 + 1e-300));
    }
  }
}
