/**
 * Every metric of a regressor on the rows whose target is known (not NaN): RMSE, MAE, R²,
 * residual quantiles and a histogram whose edges depend only on the data, so that two versions
 * scored on the same rows can be drawn on the same bins. Also the per-row squared and absolute
 * errors the paired comparison resamples.
 */
import { round } from './class-metrics.ts';
import type { VarEvaluation } from './evaluation-report.ts';

/** Bins of the residual histogram. */
export const RESIDUAL_BINS = 24;

/** A regressor's evaluation and its per-row values. */
export interface VarScore {
  evaluation: Omit<VarEvaluation, 'importance'>;
  scoredRows: Int32Array;
  /** Per scored row: squared error. */
  squared: Float64Array;
  /** Per scored row: absolute error. */
  absolute: Float64Array;
}

/** Linear-interpolated quantile of sorted values. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (!sorted.length) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Histogram edges of residuals for a truth column: ±3 standard deviations of the truth (±1 when constant). */
export function residualEdges(truth: Float32Array): number[] {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let r = 0; r < truth.length; r++) {
    const v = truth[r];
    if (Number.isNaN(v)) continue;
    n += 1;
    sum += v;
    sq += v * v;
  }
  const mean = n ? sum / n : 0;
  const sd = n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0;
  const half = sd > 1e-9 ? 3 * sd : 1;
  return Array.from({ length: RESIDUAL_BINS + 1 }, (_, i) => round(-half + (2 * half * i) / RESIDUAL_BINS));
}

/** Score predictions against a truth column (NaN = target missing). */
export function scoreVariable(pred: Float32Array, truth: Float32Array): VarScore {
  const n = truth.length;
  let scored = 0;
  for (let r = 0; r < n; r++) if (!Number.isNaN(truth[r])) scored += 1;
  const scoredRows = new Int32Array(scored);
  const squared = new Float64Array(scored);
  const absolute = new Float64Array(scored);
  const residuals = new Float64Array(scored);
  const edges = residualEdges(truth);
  const counts = new Array<number>(RESIDUAL_BINS).fill(0);
  const lo = edges[0];
  const width = (edges[RESIDUAL_BINS] - lo) / RESIDUAL_BINS;
  let sse = 0;
  let sae = 0;
  let tSum = 0;
  let s = 0;
  for (let r = 0; r < n; r++) {
    const y = truth[r];
    if (Number.isNaN(y)) continue;
    const d = pred[r] - y;
    scoredRows[s] = r;
    squared[s] = d * d;
    absolute[s] = Math.abs(d);
    residuals[s] = d;
    s += 1;
    sse += d * d;
    sae += Math.abs(d);
    tSum += y;
    counts[Math.min(RESIDUAL_BINS - 1, Math.max(0, Math.floor((d - lo) / width)))] += 1;
  }
  const tMean = scored ? tSum / scored : 0;
  let sst = 0;
  for (let r = 0; r < n; r++) if (!Number.isNaN(truth[r])) sst += (truth[r] - tMean) ** 2;
  const sorted = residuals.slice().sort();
  const q = (p: number) => round(quantileSorted(sorted, p));
  return {
    evaluation: {
      kind: 'var',
      rows: scored,
      skipped: n - scored,
      rmse: round(scored ? Math.sqrt(sse / scored) : 0),
      mae: round(scored ? sae / scored : 0),
      r2: round(sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0),
      residualQuantiles: { p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) },
      residualHistogram: { edges, counts },
    },
    scoredRows,
    squared,
    absolute,
  };
}
