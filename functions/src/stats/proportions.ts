/**
 * Intervals and tests on proportions (accuracies counted over sessions or rows). The normal
 * quantile comes from stdlib, a maintained numerical library, rather than an approximation of
 * our own.
 */
import stdNormalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** The two-sided z value of a confidence level (0.95 → 1.959…). */
export function zOf(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  return normalQuantile(1 - (1 - level) / 2, 0, 1);
}

/**
 * Wilson score interval of `successes / n`: unlike the normal approximation it stays inside
 * [0, 1] and is honest at small n and at accuracies near 0 or 1, where canaries start.
 */
export function wilsonInterval(successes: number, n: number, level: number): { lower: number; upper: number } {
  if (n <= 0) return { lower: 0, upper: 1 };
  const z = zOf(level);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/** Result of comparing two independent proportions. */
export interface TwoProportionTest {
  /** pB − pA. */
  diff: number;
  /** Newcombe's hybrid-score interval of pB − pA at `level` (from the two Wilson intervals). */
  lower: number;
  upper: number;
  /** Two-sided p-value of the pooled z test (1 when either side is empty). */
  pValue: number;
}

/**
 * Compare independent proportions, e.g. the canary's live accuracy (b) with the stable
 * version's (a) over the same hours. The interval is Newcombe's method 10, which keeps good
 * coverage at the small counts a 10 % canary sees in its first hours.
 */
export function twoProportionTest(successesA: number, nA: number, successesB: number, nB: number, level: number): TwoProportionTest {
  if (nA <= 0 || nB <= 0) return { diff: 0, lower: -1, upper: 1, pValue: 1 };
  const pA = successesA / nA;
  const pB = successesB / nB;
  const a = wilsonInterval(successesA, nA, level);
  const b = wilsonInterval(successesB, nB, level);
  const diff = pB - pA;
  const lower = diff - Math.sqrt((pB - b.lower) ** 2 + (a.upper - pA) ** 2);
  const upper = diff + Math.sqrt((b.upper - pB) ** 2 + (pA - a.lower) ** 2);
  const pooled = (successesA + successesB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  const pValue = se === 0 ? (diff === 0 ? 1 : 0) : 2 * (1 - normalCdf(Math.abs(diff) / se));
  return { diff, lower, upper, pValue: Math.min(1, Math.max(0, pValue)) };
}

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  return stdNormalCdf(x, 0, 1);
}
