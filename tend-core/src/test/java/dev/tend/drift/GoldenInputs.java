package dev.tend.drift;

/** Rebuilds the inputs that drift_golden.py describes by generator spec, bit for bit. */
final class GoldenInputs {
  private GoldenInputs() {}

  /** Values for a spec {@code kind:seed:n:loc:scale:decimals}, as drift_golden.py generates. */
  static double[] generate(String spec) {
    String[] parts = spec.split(":");
    String kind = parts[0];
    long state = Long.parseLong(parts[1]);
    int n = Integer.parseInt(parts[2]);
    double loc = Double.parseDouble(parts[3]);
    double scale = Double.parseDouble(parts[4]);
    int decimals = Integer.parseInt(parts[5]);
    double[] values = new double[n];
    long[] seed = {state};
    for (int i = 0; i < n; i++) {
      double v;
      if (kind.equals("normal")) {
        double s = 0.0;
        for (int j = 0; j < 12; j++) {
          s += nextUniform(seed);
        }
        v = loc + scale * (s - 6.0);
      } else if (kind.equals("uniform")) {
        v = loc + scale * nextUniform(seed);
      } else {
        throw new IllegalArgumentException("unknown generator " + kind);
      }
      if (decimals >= 0) {
        double p = Math.pow(10.0, decimals);
        v = Math.floor(v * p) / p;
      }
      values[i] = v;
    }
    return values;
  }

  private static double nextUniform(long[] state) {
    state[0] += 0x9E3779B97F4A7C15L;
    long z = state[0];
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }
}
