/**
 * Quantile cut points per feature, as XGBoost's `tree_method=hist` builds them: bin `j` of a
 * feature holds values in [cut[j-1], cut[j]); a split after bin `j` sends `value < cut[j]` left.
 * When a feature has at most `max_bin` distinct values every distinct value is a cut point.
 */

/** Cut points of every feature, flattened: feature f owns `values[ptrs[f] .. ptrs[f+1])`. */
export interface HistogramCuts {
  /** Offsets into `values`, length ncol + 1. */
  readonly ptrs: Uint32Array;
  /** Upper bounds of each bin (float32, strictly increasing per feature). */
  readonly values: Float32Array;
  /** Per feature, a value below the minimum: the split point that sends only missing values left. */
  readonly minValues: Float32Array;
}

const f32 = Math.fround;

/** One feature's cut points from its sorted non-missing values (and their weights, if any). */
function featureCuts(sorted: Float32Array, weights: Float64Array | null, maxBin: number, out: number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!weights) return unweightedCuts(sorted, maxBin, out);
  // Distinct values with their total weight.
  const distinct: number[] = [];
  const wsum: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = sorted[i];
    const w = weights ? weights[i] : 1;
    if (distinct.length && distinct[distinct.length - 1] === v) wsum[wsum.length - 1] += w;
    else {
      distinct.push(v);
      wsum.push(w);
    }
  }
  const d = distinct.length;
  const start = out.length;
  if (d <= maxBin) {
    for (let i = 1; i < d; i++) out.push(distinct[i]);
  } else {
    // Equal-weight quantiles: the value whose rank range first reaches k/maxBin of the total.
    let total = 0;
    for (let i = 0; i < d; i++) total += wsum[i];
    let cum = 0;
    let i = 0;
    for (let k = 1; k < maxBin; k++) {
      const target = (k * total) / maxBin;
      while (i < d - 1 && cum + wsum[i] <= target) cum += wsum[i++];
      const v = distinct[Math.max(i, 1)];
      if (out.length === start || v > out[out.length - 1]) out.push(v);
    }
  }
  const max = distinct[d - 1];
  out.push(f32(max + (Math.abs(max) + 1e-5)));
  const min = distinct[0];
  return f32(min - (Math.abs(min) + 1e-5));
}

/** featureCuts without weights: ranks are positions in the sorted column (same cuts, no copies). */
function unweightedCuts(sorted: Float32Array, maxBin: number, out: number[]): number {
  const n = sorted.length;
  const start = out.length;
  let distinct = 1;
  for (let i = 1; i < n && distinct <= maxBin; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= maxBin) {
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  } else {
    let second = 1;
    while (sorted[second] === sorted[0]) second++;
    for (let k = 1; k < maxBin; k++) {
      let v = sorted[Math.floor((k * n) / maxBin)];
      if (v === sorted[0]) v = sorted[second];
      if (out.length === start || v > out[out.length - 1]) out.push(v);
    }
  }
  const max = sorted[n - 1];
  out.push(f32(max + (Math.abs(max) + 1e-5)));
  const min = sorted[0];
  return f32(min - (Math.abs(min) + 1e-5));
}

/** Compute the cut points of a dense row-major float32 matrix (NaN = missing). */
export function computeCuts(data: Float32Array, nrow: number, ncol: number, maxBin: number, weight?: Float32Array): HistogramCuts {
  const ptrs = new Uint32Array(ncol + 1);
  const minValues = new Float32Array(ncol);
  const values: number[] = [];
  const column = new Float32Array(nrow);
  const order = weight ? new Uint32Array(nrow) : null;
  for (let f = 0; f < ncol; f++) {
    let m = 0;
    if (!weight) {
      for (let r = 0, p = f; r < nrow; r++, p += ncol) {
        const v = data[p];
        if (v === v) column[m++] = v;
      }
      const sorted = column.subarray(0, m).sort();
      minValues[f] = featureCuts(sorted, null, maxBin, values);
    } else {
      for (let r = 0, p = f; r < nrow; r++, p += ncol) if (data[p] === data[p]) order![m++] = r;
      const idx = order!.subarray(0, m).sort((a, b) => data[a * ncol + f] - data[b * ncol + f]);
      const sorted = new Float32Array(m);
      const w = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        sorted[i] = data[idx[i] * ncol + f];
        w[i] = weight[idx[i]];
      }
      minValues[f] = featureCuts(sorted, w, maxBin, values);
    }
    ptrs[f + 1] = values.length;
  }
  return { ptrs, values: Float32Array.from(values), minValues };
}

/** The bin of `value` within feature `f` (the first cut strictly above it, clamped to the last bin). */
export function searchBin(cuts: HistogramCuts, f: number, value: number): number {
  let lo = cuts.ptrs[f];
  let hi = cuts.ptrs[f + 1];
  const last = hi - 1;
  const vals = cuts.values;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (vals[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo > last ? last : lo;
}
