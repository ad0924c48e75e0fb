/**
 * Reference statistics of the training data, stored with a version so that the drift checks
 * can compare live traffic with what the model learned from (PSI per feature, per target and
 * per prediction). Bins are quantile cuts of the training rows: bin 0 holds v ≤ edges[0], bin i
 * holds edges[i−1] < v ≤ edges[i], the last bin v > edges[last]; missing values are counted
 * apart in `missingShare`.
 */
import { z } from 'zod';

/** Quantile bins and their shares (summing to 1 over the non-missing values). */
export const HistogramSchema = z.strictObject({
  edges: z.array(z.number()),
  frequencies: z.array(z.number().min(0).max(1)),
  count: z.number().int().nonnegative(),
  missingShare: z.number().min(0).max(1),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});

/** Shares of each class label. */
export const ClassDistributionSchema = z.record(z.string(), z.number().min(0).max(1));

/** `reference.json`. */
export const ReferenceStatsSchema = z.strictObject({
  /** Training rows the feature and target statistics describe. */
  rows: z.number().int().nonnegative(),
  /** Rows (a seeded sample of them) the prediction statistics describe. */
  predictionRows: z.number().int().nonnegative(),
  bins: z.number().int().min(2),
  features: z.record(z.string(), HistogramSchema),
  targets: z.strictObject({
    classes: z.record(z.string(), ClassDistributionSchema),
    vars: z.record(z.string(), HistogramSchema),
  }),
  predictions: z.strictObject({
    classes: z.record(z.string(), ClassDistributionSchema),
    vars: z.record(z.string(), HistogramSchema),
  }),
});

export type Histogram = z.infer<typeof HistogramSchema>;
export type ReferenceStats = z.infer<typeof ReferenceStatsSchema>;

/** Default number of quantile bins. */
export const DEFAULT_BINS = 10;

const round = (v: number) => Number(v.toPrecision(8));

/** Bin of a value given inner edges (binary search; see the module comment). */
export function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Quantile histogram of some values (NaN = missing). */
export function histogram(values: ArrayLike<number>, bins = DEFAULT_BINS): Histogram {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) present.push(values[i]);
  const n = present.length;
  const missingShare = values.length ? round((values.length - n) / values.length) : 0;
  if (!n) return { edges: [], frequencies: [], count: 0, missingShare, mean: null, std: null, min: null, max: null };
  present.sort((a, b) => a - b);
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const e = round(present[Math.min(n - 1, Math.floor((b * n) / bins))]);
    if (!edges.length || e > edges[edges.length - 1]) edges.push(e);
  }
  if (edges.length && edges[edges.length - 1] >= present[n - 1]) edges.pop();
  const counts = new Array<number>(edges.length + 1).fill(0);
  let sum = 0;
  for (const v of present) {
    counts[binOf(edges, v)] += 1;
    sum += v;
  }
  const mean = sum / n;
  let sq = 0;
  for (const v of present) sq += (v - mean) * (v - mean);
  return {
    edges,
    frequencies: counts.map((c) => round(c / n)),
    count: n,
    missingShare,
    mean: round(mean),
    std: round(Math.sqrt(sq / n)),
    min: round(present[0]),
    max: round(present[n - 1]),
  };
}

/** Shares of each label, given class indices and the label list (every label listed, even at 0). */
export function classDistribution(indices: ArrayLike<number>, labels: readonly string[]): Record<string, number> {
  const counts = new Array<number>(labels.length).fill(0);
  for (let i = 0; i < indices.length; i++) counts[indices[i]] += 1;
  const n = indices.length || 1;
  return Object.fromEntries(labels.map((l, i) => [l, round(counts[i] / n)]));
}

/** One column of a row-major matrix. */
export function column(values: Float32Array, nrow: number, ncol: number, c: number, rows?: ArrayLike<number>): Float64Array {
  const count = rows ? rows.length : nrow;
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = values[(rows ? rows[k] : k) * ncol + c];
  return out;
}
