/**
 * Population stability index of a column against the reference histogram stored with a version
 * (models/reference-stats.ts: quantile edges, bin 0 holds v ≤ edges[0], the last bin
 * v > edges[last]). Empty bins are floored at a small share so one empty bin does not make the
 * index infinite.
 */
import { binOf, type Histogram } from '../models/reference-stats.ts';

const FLOOR = 1e-4;

/** PSI of shares `actual` against `expected` (same bins). */
export function psiOfShares(expected: readonly number[], actual: readonly number[]): number {
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(FLOOR, expected[i]);
    const a = Math.max(FLOOR, actual[i] ?? 0);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** PSI of column `col` of row-major `values` against a reference histogram (missing values ignored). */
export function psiOfColumn(reference: Histogram, values: Float32Array, nrow: number, ncol: number, col: number): number {
  const counts = new Array<number>(reference.frequencies.length).fill(0);
  let n = 0;
  for (let r = 0; r < nrow; r++) {
    const v = values[r * ncol + col];
    if (Number.isNaN(v)) continue;
    counts[Math.min(counts.length - 1, binOf(reference.edges, v))] += 1;
    n += 1;
  }
  return n ? psiOfShares(reference.frequencies, counts.map((c) => c / n)) : 0;
}
