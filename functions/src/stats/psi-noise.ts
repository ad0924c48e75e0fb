/**
 * How large a PSI sampling noise alone makes. Two samples of one distribution (the window's n
 * values and the reference's N) rarely give PSI 0: for k bins, PSI / (1/n + 1/N) is approximately
 * chi-square with k − 1 degrees of freedom (PSI is the symmetric Kullback–Leibler divergence, whose
 * second-order term is Pearson's statistic), so its expected value is (k − 1)(1/n + 1/N) — 0.27 for
 * ten bins, 50 sessions and 100 reference rows, above the usual 0.2 threshold. A drift check
 * therefore fires only when the PSI is both large and unlikely under that noise.
 */
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

/** PSI of one column with its sampling-noise yardsticks. */
export interface PsiNoise {
  /** Mean PSI of two samples of the same distribution at these counts. */
  expected: number;
  /** The PSI that noise alone exceeds with probability `alpha`. */
  critical: number;
  /** Probability of a PSI at least this large under no drift (chi-square approximation). */
  pValue: number;
}

/** Variance scale of a PSI between samples of n and N values (a reference of N = 0 counts as exact). */
function scale(n: number, referenceN: number): number {
  return 1 / n + (referenceN > 0 ? 1 / referenceN : 0);
}

/** Quantile of the chi-square distribution (bisection on stdlib's CDF; exact enough for a threshold). */
function chisquareQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = Math.max(1, df);
  while (chisquareCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (chisquareCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Noise yardsticks of a PSI over `bins` bins between a sample of `n` and a reference of `referenceN`. */
export function psiNoise(psi: number, bins: number, n: number, referenceN: number, alpha: number): PsiNoise {
  const df = Math.max(1, bins - 1);
  if (n <= 0) return { expected: Infinity, critical: Infinity, pValue: 1 };
  const s = scale(n, referenceN);
  return {
    expected: df * s,
    critical: chisquareQuantile(1 - alpha, df) * s,
    pValue: Math.min(1, Math.max(0, 1 - chisquareCdf(psi / s, df))),
  };
}
