package dev.tend.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcUrlsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "jdbc:postgresql://db:5432/shop|jdbc:postgresql://db:5432/shop",
        "jdbc:postgresql://db/shop?user=tend&password=s3cret|jdbc:postgresql://db/shop?user=tend",
        "jdbc:postgresql://db/shop?password=s3cret&user=tend|jdbc:postgresql://db/shop?user=tend",
        "jdbc:postgresql://db/shop?password=s3cret|jdbc:postgresql://db/shop",
        "jdbc:postgresql://db/shop?user=a&PASSWORD=x&ssl=true|jdbc:postgresql://db/shop?user=a&ssl=true",
        "jdbc:sqlserver://db;user=a;password=x;encrypt=true|jdbc:sqlserver://db;user=a;encrypt=true",
        "jdbc:mysql://tend:s3cret@db:3306/shop|jdbc:mysql://tend@db:3306/shop",
        "jdbc:postgresql://db:5432/shop?passwordless=1|jdbc:postgresql://db:5432/shop?passwordless=1"
      })
  void passwordsAreLeftOut(String url, String shown) {
    assertThat(JdbcUrls.withoutPassword(url)).isEqualTo(shown);
  }
}
