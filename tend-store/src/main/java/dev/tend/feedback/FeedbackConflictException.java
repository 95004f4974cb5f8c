package dev.tend.feedback;

import dev.tend.store.ConflictException;

/**
 * A feedback item of a batch names a prediction and name that already hold a different value, and
 * does not ask to replace it. Nothing of the batch was stored.
 */
public final class FeedbackConflictException extends ConflictException {
  private static final long serialVersionUID = 1L;

  private final int index;

  public FeedbackConflictException(int index, String message) {
    super(message);
    this.index = index;
  }

  /** The item's position in the batch, from 0. */
  public int index() {
    return index;
  }
}
