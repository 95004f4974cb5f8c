package dev.tend.deployments;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** Which model versions a deployment serves: the stable one and, during a rollout, a candidate. */
public record Traffic(String stableVersionId, Optional<Candidate> candidate) {
  public Traffic {
    requireNonNull(stableVersionId, "stableVersionId is null");
    requireNonNull(candidate, "candidate is null");
    if (candidate.isPresent() && candidate.get().versionId().equals(stableVersionId)) {
      throw new IllegalArgumentException(
          "the candidate version " + stableVersionId + " is already the stable version");
    }
  }

  /** Only {@code stableVersionId} serves. */
  public static Traffic stable(String stableVersionId) {
    return new Traffic(stableVersionId, Optional.empty());
  }
}
