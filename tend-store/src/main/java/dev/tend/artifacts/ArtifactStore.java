package dev.tend.artifacts;

import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Content-addressed blob storage for dataset versions, model files and run artifacts: a blob is
 * named by the SHA-256 of its bytes, so storing the same bytes twice keeps one copy.
 *
 * <p>Implementations are thread-safe, and safe for several processes sharing one store (server
 * replicas). The contract every implementation keeps, so that callers need no locks:
 *
 * <ul>
 *   <li><b>Atomic publication.</b> A blob becomes visible to {@link #exists}, {@link #open} and
 *       {@link #size} only once all of its bytes are durably stored and checked against its name. A
 *       reader never sees a partial blob, whatever happens to the writer (exception, killed
 *       process, power loss).
 *   <li><b>Immutability.</b> Once visible, a blob's bytes never change; only {@link #delete}
 *       removes it.
 *   <li><b>Idempotent writes.</b> {@link #put} of content already stored, including by concurrent
 *       puts of the same content, succeeds and returns the same {@link Blob}; exactly one copy
 *       remains. A failed put leaves no visible blob, at most an abandoned temporary object that
 *       {@link #cleanupTemporary} removes.
 *   <li><b>Idempotent deletes.</b> {@link #delete} of an absent blob succeeds. Deleting while
 *       another caller puts the same content may remove it again: garbage collection must not run
 *       concurrently with writers that rely on a blob it considers unreferenced.
 *   <li><b>Streaming.</b> Content is never held in memory whole; memory use is bounded by a fixed
 *       buffer per call, whatever the blob's size.
 *   <li><b>Validated names.</b> Every method taking a {@code sha256} throws {@link
 *       IllegalArgumentException} unless it is 64 lowercase hex characters ({@link
 *       Blob#requireValidSha256}), so a name can never address anything outside the store.
 * </ul>
 *
 * <p>Failures are unchecked {@link ArtifactException}s naming the blob and the action; an
 * implementation over object storage (S3: upload to a temporary key or multipart upload, check,
 * then copy or complete to {@code blobs/<sha256>} with a create-only condition) keeps the same
 * contract.
 */
public interface ArtifactStore {

  /**
   * Stores the bytes read from {@code in} until its end, and returns their name and size. The
   * stream is read, not closed: the caller owns it.
   *
   * <p>If {@code expectedSize} or {@code expectedSha256} is given and the content differs, throws
   * {@link ArtifactMismatchException} and stores nothing; content longer than {@code expectedSize}
   * fails as soon as the extra byte is read. Content longer than the store's limit per blob throws
   * {@link ArtifactTooLargeException} as soon as the limit is passed. If reading {@code in} fails,
   * throws {@link ArtifactException} with the read error as cause and stores nothing.
   *
   * @throws IllegalArgumentException if {@code expectedSize} is negative or {@code expectedSha256}
   *     is not a valid SHA-256
   */
  Blob put(InputStream in, OptionalLong expectedSize, Optional<String> expectedSha256);

  /** Stores the bytes read from {@code in}, with nothing expected of them. */
  default Blob put(InputStream in) {
    return put(in, OptionalLong.empty(), Optional.empty());
  }

  /**
   * Opens the blob for streamed reading; the caller closes the stream. The bytes are returned as
   * stored: use {@link #verify} or hash while reading to detect corruption.
   *
   * @throws ArtifactNotFoundException if no such blob is stored
   */
  InputStream open(String sha256);

  /** Whether the blob is stored. */
  boolean exists(String sha256);

  /**
   * The blob's size in bytes, as stored.
   *
   * @throws ArtifactNotFoundException if no such blob is stored
   */
  long size(String sha256);

  /**
   * Reads the whole blob and checks that its bytes still hash to its name.
   *
   * @throws ArtifactCorruptedException if they do not
   * @throws ArtifactNotFoundException if no such blob is stored
   */
  void verify(String sha256);

  /**
   * Removes the blob, for garbage collection; readers that opened it before may finish reading.
   *
   * @return whether the blob was stored
   */
  boolean delete(String sha256);

  /**
   * Removes temporary objects left by puts that never finished (a killed process, a lost client)
   * and that were last written more than {@code olderThan} ago. Choose {@code olderThan} longer
   * than any upload may stall, or a slow live upload fails when its temporary object vanishes.
   *
   * @return how many temporary objects were removed
   */
  int cleanupTemporary(Duration olderThan);
}
