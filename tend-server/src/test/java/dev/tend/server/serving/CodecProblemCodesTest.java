package dev.tend.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.server.http.ProblemCode;
import dev.tend.serving.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

/** The predict route answers each codec refusal with the problem code of the same name. */
class CodecProblemCodesTest {
  @Test
  void everyCodecErrorHasABadRequestProblemCodeWithTheSameSlug() {
    for (ErrorCode error : ErrorCode.values()) {
      ProblemCode problem = ProblemCode.valueOf(error.name());
      assertThat(problem.code()).isEqualTo(error.slug());
      assertThat(problem.status()).isEqualTo(400);
    }
  }
}
