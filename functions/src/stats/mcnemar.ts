/**
 * McNemar's test of two classifiers on the same rows: only the discordant rows count (right
 * under one model, wrong under the other). With few discordant rows the exact binomial test is
 * used (the chi-square approximation is poor there); beyond, the continuity-corrected
 * chi-square with one degree of freedom.
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

/** Below this many discordant rows the exact test is used (the usual rule of thumb is 25). */
export const MCNEMAR_EXACT_BELOW = 25;

/** A McNemar test result. */
export interface McNemarResult {
  test: 'mcnemar-exact' | 'mcnemar-chi2';
  /** Two-sided p-value. */
  pValue: number;
  /** Rows right only under A, right only under B. */
  aOnly: number;
  bOnly: number;
  /** The chi-square statistic (null for the exact test). */
  statistic: number | null;
}

/** McNemar's test from the discordant counts. */
export function mcnemar(aOnly: number, bOnly: number): McNemarResult {
  const n = aOnly + bOnly;
  if (n === 0) return { test: 'mcnemar-exact', pValue: 1, aOnly, bOnly, statistic: null };
  if (n < MCNEMAR_EXACT_BELOW) {
    // Two-sided exact: twice the smaller tail of Binomial(n, 1/2), capped at 1.
    const k = Math.min(aOnly, bOnly);
    const p = Math.min(1, 2 * binomialCdf(k, n, 0.5));
    return { test: 'mcnemar-exact', pValue: p, aOnly, bOnly, statistic: null };
  }
  const stat = (Math.abs(aOnly - bOnly) - 1) ** 2 / n;
  return { test: 'mcnemar-chi2', pValue: Math.min(1, Math.max(0, 1 - chisquareCdf(stat, 1))), aOnly, bOnly, statistic: stat };
}
