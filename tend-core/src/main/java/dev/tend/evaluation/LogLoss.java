package dev.tend.evaluation;

/**
 * Per-row log loss as scikit-learn 1.2 computes it: probabilities clipped to {@code [eps, 1 - eps]}
 * with {@code eps} the double machine epsilon (2.22e-16), each row renormalized to sum to one, then
 * {@code -ln} of the probability of the actual class.
 */
final class LogLoss {
  static final double EPSILON = Math.ulp(1.0);

  private LogLoss() {}

  static double binary(boolean actual, double probability) {
    double p = clip(probability);
    double q = 1 - p;
    double sum = q + p;
    return -Math.log((actual ? p : q) / sum);
  }

  static double multiclass(int actual, double[] probabilities) {
    double sum = 0;
    for (double p : probabilities) {
      sum += clip(p);
    }
    return -Math.log(clip(probabilities[actual]) / sum);
  }

  private static double clip(double p) {
    return Math.max(EPSILON, Math.min(1 - EPSILON, p));
  }
}
