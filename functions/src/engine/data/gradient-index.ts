/**
 * The quantised matrix (XGBoost's GHistIndexMatrix): each cell replaced by a global bin id, row
 * major, so that a histogram pass reads one small integer per feature. Missing cells map to a
 * per-feature "missing" bin placed after all regular bins, so histograms carry missing sums too.
 */
import { computeCuts, type HistogramCuts } from './histogram-cuts.ts';

/** A dense matrix quantised against its cut points. */
export interface GradientIndex {
  readonly nrow: number;
  readonly ncol: number;
  readonly cuts: HistogramCuts;
  /** Global bin id per cell, row-major (nrow × ncol): histogram building reads rows. */
  readonly index: Uint16Array | Uint32Array;
  /** The same ids column-major (ncol × nrow): partitioning reads one feature of many rows. */
  readonly columns: Uint16Array | Uint32Array;
  /** Number of regular bins over all features (= cuts.values.length). */
  readonly numCutBins: number;
  /** Histogram length in bins: regular bins plus one missing bin per feature. */
  readonly totalBins: number;
}

/** Quantise `data` (row-major float32, NaN = missing) with `max_bin` bins per feature. */
export function buildGradientIndex(data: Float32Array, nrow: number, ncol: number, maxBin: number, weight?: Float32Array): GradientIndex {
  const cuts = computeCuts(data, nrow, ncol, maxBin, weight);
  const numCutBins = cuts.values.length;
  const totalBins = numCutBins + ncol;
  const index = totalBins <= 65536 ? new Uint16Array(nrow * ncol) : new Uint32Array(nrow * ncol);
  const columns = totalBins <= 65536 ? new Uint16Array(nrow * ncol) : new Uint32Array(nrow * ncol);
  for (let f = 0; f < ncol; f++) {
    const missing = numCutBins + f;
    const begin = cuts.ptrs[f];
    const end = cuts.ptrs[f + 1];
    const vals = cuts.values;
    for (let r = 0, p = f; r < nrow; r++, p += ncol) {
      const v = data[p];
      if (v !== v || begin === end) {
        index[p] = missing;
        columns[f * nrow + r] = missing;
        continue;
      }
      // Binary search inlined: first cut strictly above v.
      let lo = begin;
      let hi = end;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (vals[mid] <= v) lo = mid + 1;
        else hi = mid;
      }
      const bin = lo >= end ? end - 1 : lo;
      index[p] = bin;
      columns[f * nrow + r] = bin;
    }
  }
  return { nrow, ncol, cuts, index, columns, numCutBins, totalBins };
}

