/**
 * The quantised matrix (XGBoost's GHistIndexMatrix): each cell replaced by a global bin id, row
 * major, so that a histogram pass reads one small integer per feature. Missing cells map to a
 * per-feature "missing" bin placed after all regular bins, so histograms carry missing sums too.
 * The ids are stored twice: row major for histogram building, which reads whole rows, and
 * column major for partitioning, which reads one feature of a node's rows — in a column those
 * reads are a few bytes apart instead of a row apart, so a pass over a node touches a fraction
 * of the cache lines (XGBoost keeps a ColumnMatrix for the same reason).
 */
import { kernelMemory } from '../wasm/kernels.ts';
import { computeCuts, type HistogramCuts } from './histogram-cuts.ts';

/** A dense matrix quantised against its cut points. */
export interface GradientIndex {
  readonly nrow: number;
  readonly ncol: number;
  readonly cuts: HistogramCuts;
  /** Global bin id per cell, row-major (nrow × ncol). */
  readonly index: Uint16Array | Uint32Array;
  /** The same ids column-major (ncol × nrow): feature f of row r at `f * nrow + r`. */
  readonly columns: Uint16Array | Uint32Array;
  /** The shared WebAssembly memory holding both (at its start); trees grow in regions allocated in it. */
  readonly memory: WebAssembly.Memory;
  /** Number of regular bins over all features (= cuts.values.length). */
  readonly numCutBins: number;
  /** Histogram length in bins: regular bins plus one missing bin per feature. */
  readonly totalBins: number;
}

/**
 * Quantise `data` (row-major float32, NaN = missing) with `max_bin` bins per feature. The ids
 * live in a shared WebAssembly memory, so worker threads train on them without a copy.
 */
export function buildGradientIndex(data: Float32Array, nrow: number, ncol: number, maxBin: number, weight?: Float32Array): GradientIndex {
  const cuts = computeCuts(data, nrow, ncol, maxBin, weight);
  const numCutBins = cuts.values.length;
  const totalBins = numCutBins + ncol;
  const bytes = totalBins <= 65536 ? 2 : 4;
  const cells = nrow * ncol;
  // The column copy starts on an 8-byte boundary after the row-major ids.
  const columnsAt = Math.ceil((cells * bytes) / 8) * 8;
  const memory = kernelMemory(columnsAt + cells * bytes);
  const index = bytes === 2 ? new Uint16Array(memory.buffer, 0, cells) : new Uint32Array(memory.buffer, 0, cells);
  const columns = bytes === 2 ? new Uint16Array(memory.buffer, columnsAt, cells) : new Uint32Array(memory.buffer, columnsAt, cells);
  for (let f = 0; f < ncol; f++) {
    const missing = numCutBins + f;
    const begin = cuts.ptrs[f];
    const end = cuts.ptrs[f + 1];
    const vals = cuts.values;
    const c = f * nrow;
    for (let r = 0, p = f; r < nrow; r++, p += ncol) {
      const v = data[p];
      if (v !== v || begin === end) {
        index[p] = missing;
        columns[c + r] = missing;
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
      columns[c + r] = bin;
    }
  }
  return { nrow, ncol, cuts, index, columns, memory, numCutBins, totalBins };
}

