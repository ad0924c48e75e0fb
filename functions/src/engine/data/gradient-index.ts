/**
 * The quantised matrix (XGBoost's GHistIndexMatrix): each cell replaced by a global bin id, row
 * major, so that a histogram pass reads one small integer per feature. Missing cells map to a
 * per-feature "missing" bin placed after all regular bins, so histograms carry missing sums too.
 * The ids are stored once, row major: histogram building reads whole rows, and partitioning
 * reads one feature of a node's rows (ascending, so the strided reads stay cheap).
 */
import { computeCuts, type HistogramCuts } from './histogram-cuts.ts';

/** A dense matrix quantised against its cut points. */
export interface GradientIndex {
  readonly nrow: number;
  readonly ncol: number;
  readonly cuts: HistogramCuts;
  /** Global bin id per cell, row-major (nrow × ncol). */
  readonly index: Uint16Array | Uint32Array;
  /** Number of regular bins over all features (= cuts.values.length). */
  readonly numCutBins: number;
  /** Histogram length in bins: regular bins plus one missing bin per feature. */
  readonly totalBins: number;
}

/**
 * Quantise `data` (row-major float32, NaN = missing) with `max_bin` bins per feature; with
 * `shared` the ids live in a SharedArrayBuffer, so worker threads can train on them without a copy.
 */
export function buildGradientIndex(data: Float32Array, nrow: number, ncol: number, maxBin: number, weight?: Float32Array, shared = false): GradientIndex {
  const cuts = computeCuts(data, nrow, ncol, maxBin, weight);
  const numCutBins = cuts.values.length;
  const totalBins = numCutBins + ncol;
  const bytes = totalBins <= 65536 ? 2 : 4;
  const buffer = shared ? new SharedArrayBuffer(nrow * ncol * bytes) : new ArrayBuffer(nrow * ncol * bytes);
  const index = bytes === 2 ? new Uint16Array(buffer) : new Uint32Array(buffer);
  for (let f = 0; f < ncol; f++) {
    const missing = numCutBins + f;
    const begin = cuts.ptrs[f];
    const end = cuts.ptrs[f + 1];
    const vals = cuts.values;
    for (let r = 0, p = f; r < nrow; r++, p += ncol) {
      const v = data[p];
      if (v !== v || begin === end) {
        index[p] = missing;
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
    }
  }
  return { nrow, ncol, cuts, index, numCutBins, totalBins };
}

