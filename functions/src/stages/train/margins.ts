/**
 * Evaluating an incremental update cheaply: the update is its parent's trees plus a few new
 * ones, so its margins are the parent's margins plus the new trees' contribution. The parent's
 * margins are computed once (while the workers train) and only the new rounds are predicted
 * afterwards, instead of every tree twice.
 */
import { DMatrix, type Booster } from '../../engine/index.ts';
import type { BundlePredictions } from '../../models/bundle.ts';
import type { TargetEncoding } from '../../models/labels.ts';
import { applyScaler, type Scaler } from '../../models/scaler.ts';

/** Raw margins by target (`nrow × k` for a class target, `nrow` for a variable). */
export type Margins = Record<string, Float32Array>;

/** The scaled matrix of raw feature rows. */
export function scaledMatrix(scaler: Scaler, values: Float32Array, nrow: number): DMatrix {
  return new DMatrix(applyScaler(scaler, values, nrow), nrow, scaler.features.length);
}

/** Margins of every model over all its rounds, yielding to the event loop between models. */
export async function parentMargins(boosters: Record<string, Booster>, targets: readonly TargetEncoding[], dm: DMatrix): Promise<Margins> {
  const out: Margins = {};
  for (const t of targets) {
    await new Promise((resolve) => setImmediate(resolve));
    out[t.name] = boosters[t.name].predict(dm, { outputMargin: true });
  }
  return out;
}

/** Margins of updated models: the parent's plus the rounds after `parentRounds[target]`. */
export function updatedMargins(parent: Margins, boosters: Record<string, Booster>, targets: readonly TargetEncoding[], dm: DMatrix, parentRounds: Record<string, number>): Margins {
  const out: Margins = {};
  for (const t of targets) {
    const b = boosters[t.name];
    const fresh = b.predict(dm, { outputMargin: true, iterationRange: [parentRounds[t.name], b.numBoostedRounds()] });
    const base = b.baseMargin();
    const m = new Float32Array(fresh.length);
    const p = parent[t.name];
    for (let i = 0; i < m.length; i++) m[i] = p[i] + (fresh[i] - base);
    out[t.name] = m;
  }
  return out;
}

/** Predictions from margins: softmax per row for class targets, identity for variables. */
export function marginsToPredictions(margins: Margins, targets: readonly TargetEncoding[]): BundlePredictions {
  const out: BundlePredictions = {};
  for (const t of targets) {
    const m = margins[t.name];
    if (t.kind === 'var') {
      out[t.name] = m;
      continue;
    }
    const k = t.labels.length;
    const p = new Float32Array(m.length);
    for (let r = 0; r < m.length; r += k) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) if (m[r + c] > max) max = m[r + c];
      let sum = 0;
      for (let c = 0; c < k; c++) sum += (p[r + c] = Math.exp(m[r + c] - max));
      for (let c = 0; c < k; c++) p[r + c] /= sum;
    }
    out[t.name] = p;
  }
  return out;
}
