package dev.tend.drift;

import java.util.Arrays;
import org.hipparchus.special.Gamma;

/**
 * Survival functions of the Kolmogorov-Smirnov statistics.
 *
 * <p>{@link #oneSampleSf} follows Simard and L'Ecuyer (2011) the way scipy's {@code kstwo.sf} does:
 * Ruben-Gambino closed forms at the edges, the Durbin matrix (Marsaglia-Tsang-Wang) where it is
 * exact and affordable, Pelz-Good otherwise, and twice the one-sided Smirnov probability
 * (Birnbaum-Tingey, summed exactly) in the upper tail. The Pomeranz recursion scipy uses for {@code
 * n <= 140} is replaced by the Durbin matrix, which is exact there as well. The two-sample exact
 * probabilities follow scipy's {@code _compute_prob_outside_square} and Viehmann's inside-method
 * recursion.
 */
final class KolmogorovDistribution {
  private static final int E128 = 128;
  private static final double EP128 = Math.scalb(1.0, E128);
  private static final double EM128 = Math.scalb(1.0, -E128);
  private static final double PI_SQUARED = Math.PI * Math.PI;
  private static final double PI_FOUR = PI_SQUARED * PI_SQUARED;
  private static final double PI_SIX = PI_FOUR * PI_SQUARED;
  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
  private static final double SQRT3 = Math.sqrt(3);
  private static final double MIN_LOG = -708;

  private KolmogorovDistribution() {}

  /** P(D_n >= x) for the two-sided one-sample statistic with {@code n} observations. */
  static double oneSampleSf(double x, long n) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be positive, was " + n);
    }
    if (x >= 1.0) {
      return 0.0;
    }
    if (x <= 0.0) {
      return 1.0;
    }
    double t = n * x;
    if (t <= 1.0) {
      if (t <= 0.5) {
        return 1.0;
      }
      double prob;
      if (n <= 140) {
        prob = 1.0;
        double invN = 1.0 / n;
        for (long i = 1; i <= n; i++) {
          prob *= i * invN * (2 * t - 1);
        }
      } else {
        prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
      }
      return clip(1.0 - prob);
    }
    if (t >= n - 1) {
      return clip(2 * Math.pow(1.0 - x, n));
    }
    if (x >= 0.5) {
      return clip(2 * smirnovSf(n, x));
    }
    double nxSquared = t * x;
    if (n <= 140) {
      if (nxSquared <= 4) {
        return clip(1.0 - durbinCdf(n, x));
      }
      return clip(2 * smirnovSf(n, x));
    }
    if (nxSquared >= 370.0) {
      return 0.0;
    }
    if (nxSquared >= 2.2) {
      return clip(2 * smirnovSf(n, x));
    }
    double cdf = n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
    return clip(1.0 - cdf);
  }

  /** log(n!/n^n) by Stirling's series, as scipy's {@code _log_nfactorial_div_n_pow_n}. */
  private static double logFactorialOverPower(long n) {
    double rn = 1.0 / n;
    double[] coeffs = {
      -2.955065359477124183e-2, 6.4102564102564102564e-3,
      -1.9175269175269175269e-3, 8.4175084175084175084e-4,
      -5.952380952380952381e-4, 7.9365079365079365079e-4,
      -2.7777777777777777778e-3, 8.3333333333333333333e-2
    };
    double y = rn / n;
    double poly = 0.0;
    for (double c : coeffs) {
      poly = poly * y + c;
    }
    return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
  }

  /**
   * One-sided Smirnov P(D_n+ >= x) by the Birnbaum-Tingey sum. All terms are positive, so the sum
   * has no cancellation; it stops once the terms, past their peak, no longer change the sum.
   */
  static double smirnovSf(long n, double x) {
    if (x >= 1.0) {
      return 0.0;
    }
    if (x <= 0.0) {
      return 1.0;
    }
    double logNFactorial = Gamma.logGamma(n + 1.0);
    long last = (long) Math.floor(n * (1.0 - x));
    CompensatedSum sum = new CompensatedSum();
    double previous = 0.0;
    for (long j = 0; j <= last; j++) {
      double a = (1.0 - x) - (double) j / n;
      if (a <= 0.0) {
        break;
      }
      double logTerm =
          logNFactorial
              - Gamma.logGamma(j + 1.0)
              - Gamma.logGamma(n - j + 1.0)
              + (n - j) * Math.log(a)
              + (j - 1) * Math.log(x + (double) j / n);
      double term = Math.exp(logTerm);
      sum.add(term);
      if (term < previous && term <= sum.value() * 1e-18) {
        break;
      }
      previous = term;
    }
    return clip(x * sum.value());
  }

  /** P(D_n <= d) by the Durbin matrix power, scaled as in Marsaglia, Tsang and Wang (2003). */
  static double durbinCdf(long n, double d) {
    if (d >= 1.0) {
      return 1.0;
    }
    double nd = n * d;
    if (nd <= 0.5) {
      return 0.0;
    }
    int k = (int) Math.ceil(nd);
    double h = k - nd;
    int m = 2 * k - 1;
    double[] v = new double[m];
    double[] w = new double[m];
    double fac = 1.0;
    for (int j = 1; j <= m; j++) {
      v[j - 1] = 1.0 - Math.pow(h, j);
      w[j - 1] = fac;
      fac /= j;
      v[j - 1] *= fac;
    }
    double tt = Math.pow(Math.max(2 * h - 1.0, 0), m) - 2 * Math.pow(h, m);
    v[m - 1] = (1.0 + tt) * fac;
    double[][] matrix = new double[m][m];
    for (int i = 1; i < m; i++) {
      for (int row = i - 1; row < m; row++) {
        matrix[row][i] = w[row - i + 1];
      }
    }
    for (int row = 0; row < m; row++) {
      matrix[row][0] = v[row];
    }
    for (int col = 0; col < m; col++) {
      matrix[m - 1][col] = v[m - 1 - col];
    }
    double[][] power = new double[m][m];
    for (int i = 0; i < m; i++) {
      power[i][i] = 1.0;
    }
    long nn = n;
    int exponent = 0;
    int matrixExponent = 0;
    while (nn > 0) {
      if (nn % 2 == 1) {
        power = multiply(power, matrix);
        exponent += matrixExponent;
      }
      matrix = multiply(matrix, matrix);
      matrixExponent *= 2;
      if (Math.abs(matrix[k - 1][k - 1]) > EP128) {
        for (double[] row : matrix) {
          for (int c = 0; c < m; c++) {
            row[c] /= EP128;
          }
        }
        matrixExponent += E128;
      }
      nn /= 2;
    }
    double p = power[k - 1][k - 1];
    for (long i = 1; i <= n; i++) {
      p = i * p / n;
      if (Math.abs(p) < EM128) {
        p *= EP128;
        exponent -= E128;
      }
    }
    return clip(Math.scalb(p, exponent));
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int m = a.length;
    double[][] c = new double[m][m];
    for (int i = 0; i < m; i++) {
      double[] ci = c[i];
      for (int l = 0; l < m; l++) {
        double ail = a[i][l];
        if (ail == 0.0) {
          continue;
        }
        double[] bl = b[l];
        for (int j = 0; j < m; j++) {
          ci[j] += ail * bl[j];
        }
      }
    }
    return c;
  }

  /** Pelz-Good (1976) approximation of P(D_n <= x). */
  static double pelzGoodCdf(long n, double x) {
    if (x <= 0.0) {
      return 0.0;
    }
    if (x >= 1.0) {
      return 1.0;
    }
    double z = Math.sqrt(n) * x;
    double z2 = z * z;
    double z3 = z2 * z;
    double z4 = z2 * z2;
    double z6 = z4 * z2;
    double qlog = -PI_SQUARED / 8 / z2;
    if (qlog < MIN_LOG) {
      return 0.0;
    }
    double q = Math.exp(qlog);
    double k1a = -z2;
    double k1b = PI_SQUARED / 4;
    double k2a = 6 * z6 + 2 * z4;
    double k2b = (2 * z4 - 5 * z2) * PI_SQUARED / 4;
    double k2c = PI_FOUR * (1 - 2 * z2) / 16;
    double k3d = PI_SIX * (5 - 30 * z2) / 64;
    double k3c = PI_FOUR * (-60 * z2 + 212 * z4) / 16;
    double k3b = PI_SQUARED * (135 * z4 - 96 * z6) / 4;
    double k3a = -30 * z6 - 90 * Math.pow(z, 8);
    double[] terms = new double[4];
    int maxK = (int) Math.ceil(16 * z / Math.PI);
    for (int k = maxK; k > 0; k--) {
      double mm = 2.0 * k - 1;
      double m2 = mm * mm;
      double m4 = m2 * m2;
      double m6 = m4 * m2;
      double qPower = Math.pow(q, 8.0 * k);
      double[] coeffs = {
        1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6
      };
      for (int i = 0; i < 4; i++) {
        terms[i] = terms[i] * qPower + coeffs[i];
      }
    }
    double[] divisors = {z, 6 * z4, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)};
    for (int i = 0; i < 4; i++) {
      terms[i] = terms[i] * q * SQRT_2PI / divisors[i];
    }
    double q2 = Math.exp(-PI_SQUARED / 2 / z2);
    double k2extra = 0.0;
    double k3extra = 0.0;
    double sqrt3z = SQRT3 * z;
    for (int k = maxK; k > 0; k--) {
      double ksq = (double) k * k;
      double qp = Math.pow(q2, ksq);
      double kspi = Math.PI * k;
      k2extra += ksq * qp;
      k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
    }
    terms[2] += k2extra * PI_SQUARED * SQRT_2PI / (-36 * z3);
    terms[3] += k3extra * PI_SQUARED * SQRT_2PI / (216 * z6);
    double sum = 0.0;
    for (int i = 0; i < 4; i++) {
      sum += terms[i] / Math.pow(n, i / 2.0);
    }
    return sum;
  }

  /**
   * Exact P(D_{n1,n2} >= h / lcm(n1, n2)) for two samples, or NaN where the recursion leaves the
   * range of doubles.
   */
  static double twoSampleExactSf(int n1, int n2, long h) {
    if (h == 0) {
      return 1.0;
    }
    double prob = n1 == n2 ? outsideSquare(n1, h) : outerInside(n1, n2, h);
    return prob >= 0.0 && prob <= 1.0 ? prob : Double.NaN;
  }

  private static double outsideSquare(int n, long h) {
    double p = 0.0;
    long k = n / h;
    while (k >= 0) {
      double p1 = 1.0;
      for (long j = 0; j < h; j++) {
        p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
      }
      p = p1 * (1.0 - p);
      k--;
    }
    return 2 * p;
  }

  private static double outerInside(int first, int second, long h) {
    int m = Math.max(first, second);
    int n = Math.min(first, second);
    int g = gcd(m, n);
    long mg = m / g;
    long ng = n / g;
    int minj = 0;
    int maxj = (int) Math.min(ceilDiv(h, mg), n + 1L);
    int curlen = maxj - minj;
    int lenA = Math.min(2 * maxj + 2, n + 1);
    double[] a = new double[lenA];
    Arrays.fill(a, 1.0);
    for (int j = minj; j < maxj; j++) {
      a[j] = 0.0;
    }
    for (long i = 1; i <= m; i++) {
      int lastMinj = minj;
      int lastLen = curlen;
      minj = (int) Math.min(Math.max(Math.floorDiv(ng * i - h, mg) + 1, 0), n);
      maxj = (int) Math.min(ceilDiv(ng * i + h, mg), n + 1L);
      if (maxj <= minj) {
        return 1.0;
      }
      double val = minj == 0 ? 0.0 : 1.0;
      for (int jj = 0; jj < maxj - minj; jj++) {
        int j = jj + minj;
        val = (a[jj + minj - lastMinj] * i + val * j) / (i + j);
        a[jj] = val;
      }
      curlen = maxj - minj;
      if (lastLen > curlen) {
        for (int j = maxj - minj; j < maxj - minj + (lastLen - curlen) && j < lenA; j++) {
          a[j] = 1.0;
        }
      }
    }
    return a[maxj - minj - 1];
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  static int gcd(int a, int b) {
    int x = a;
    int y = b;
    while (y != 0) {
      int t = x % y;
      x = y;
      y = t;
    }
    return x;
  }

  private static double clip(double p) {
    return Math.min(1.0, Math.max(0.0, p));
  }
}
