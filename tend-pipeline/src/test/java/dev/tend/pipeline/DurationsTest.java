package dev.tend.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Duration spellings, their limits and their errors. */
class DurationsTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "90s, 90, 1m30s",
    "15m, 900, 15m",
    "2h, 7200, 2h",
    "1d, 86400, 1d",
    "1h30m, 5400, 1h30m",
    "1d2h3m4s, 93784, 1d2h3m4s",
    "' 45m ', 2700, 45m",
    "7d, 604800, 7d",
    "168h, 604800, 7d",
    "0h1s, 1, 1s",
  })
  void readsAndWritesBack(String text, long seconds, String canonical) {
    Duration duration = Durations.parse(text);
    assertThat(duration).isEqualTo(Duration.ofSeconds(seconds));
    assertThat(Durations.format(duration)).isEqualTo(canonical);
    assertThat(Durations.parse(canonical)).isEqualTo(duration);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "90    | duration '90' needs a unit (s, m, h or d), such as 90s, 15m, 2h, 1d or 1h30m",
        "1.5h  | duration '1.5h' must be a whole number with a unit (s, m, h or d), such as 90s,"
            + " 15m, 2h, 1d or 1h30m",
        "30m1h | duration '30m1h' must be a whole number with a unit (s, m, h or d), such as 90s,"
            + " 15m, 2h, 1d or 1h30m",
        "2w    | duration '2w' must be a whole number with a unit (s, m, h or d), such as 90s, 15m,"
            + " 2h, 1d or 1h30m",
        "-5m   | duration '-5m' must be a whole number with a unit (s, m, h or d), such as 90s, 15m,"
            + " 2h, 1d or 1h30m",
        "0s    | duration '0s' must be more than 0",
        "0h0m  | duration '0h0m' must be more than 0",
        "7d1s  | duration '7d1s' must be at most 7d",
        "8d    | duration '8d' must be at most 7d",
        "9999999999s | duration '9999999999s' must be at most 7d",
      })
  void badDurationsSayWhatIsRight(String text, String message) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(PipelineException.class)
        .hasMessage(message);
  }
}
