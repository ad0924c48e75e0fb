/**
 * The feature scaler of a bundle (the original bundle's StandardScaler): models are trained on
 * `(x − mean) / std` per feature, so every consumer must scale with the bundle's own scaler.
 * Missing values (NaN) stay missing; a constant feature gets std 1.
 */
import { z } from 'zod';

/** `scaler.json`. */
export const ScalerSchema = z.strictObject({
  kind: z.literal('standard'),
  features: z.array(z.string().min(1)).min(1),
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
}).refine((s) => s.mean.length === s.features.length && s.std.length === s.features.length, {
  message: 'mean and std must have one entry per feature',
});

export type Scaler = z.infer<typeof ScalerSchema>;

/** Fit mean and (population) std per column over the given rows, ignoring missing values. */
export function fitScaler(values: Float32Array, nrow: number, features: readonly string[], rows?: ArrayLike<number>): Scaler {
  const ncol = features.length;
  const sum = new Float64Array(ncol);
  const sq = new Float64Array(ncol);
  const n = new Float64Array(ncol);
  const count = rows ? rows.length : nrow;
  for (let k = 0; k < count; k++) {
    const r = rows ? rows[k] : k;
    const base = r * ncol;
    for (let c = 0; c < ncol; c++) {
      const v = values[base + c];
      if (Number.isNaN(v)) continue;
      sum[c] += v;
      n[c] += 1;
    }
  }
  const mean = Array.from(sum, (s, c) => (n[c] ? s / n[c] : 0));
  for (let k = 0; k < count; k++) {
    const r = rows ? rows[k] : k;
    const base = r * ncol;
    for (let c = 0; c < ncol; c++) {
      const v = values[base + c];
      if (Number.isNaN(v)) continue;
      const d = v - mean[c];
      sq[c] += d * d;
    }
  }
  const std = Array.from(sq, (s, c) => {
    const sd = n[c] ? Math.sqrt(s / n[c]) : 0;
    return sd > 1e-12 && Number.isFinite(sd) ? sd : 1;
  });
  return { kind: 'standard', features: [...features], mean, std };
}

/** Scale a row-major matrix into a new Float32Array (NaN stays NaN). */
export function applyScaler(scaler: Scaler, values: Float32Array, nrow: number): Float32Array {
  const ncol = scaler.features.length;
  const out = new Float32Array(nrow * ncol);
  for (let r = 0; r < nrow; r++) {
    const base = r * ncol;
    for (let c = 0; c < ncol; c++) out[base + c] = (values[base + c] - scaler.mean[c]) / scaler.std[c];
  }
  return out;
}
