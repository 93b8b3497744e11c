package org.tatami.activations;

/**
 * The error function in double precision (within 1e-14 everywhere), for gelu: the JDK has none.
 * Below 2.5 its Maclaurin series, whose largest term there is about 16, so cancellation costs no
 * more than a few ulps; above, 1 - erfc by erfc's continued fraction, which converges quickly there;
 * from 6 on erf is 1 in double.
 */
final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);

    private Erf() {
    }

    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 2.5) {
            // sum of (-1)^n a^(2n+1) / (n! (2n+1))
            double x2 = a * a;
            double term = a;
            double sum = a;
            for (int n = 1; n < 80; n++) {
                term *= -x2 / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < 1e-17 * sum) {
                    break;
                }
            }
            r = TWO_OVER_SQRT_PI * sum;
        } else if (a < 6) {
            // erfc(a) = e^(-a^2) / sqrt(pi) / (a + (1/2) / (a + 1 / (a + (3/2) / (a + ...)))), from the inside out.
            double f = a;
            for (int k = 60; k >= 1; k--) {
                f = a + (k / 2.0) / f;
            }
            r = 1 - Math.exp(-a * a) * ONE_OVER_SQRT_PI / f;
        } else {
            r = 1;
        }
        return x < 0 ? -r : r;
    }
}
