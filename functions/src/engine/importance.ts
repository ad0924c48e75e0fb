/**
 * Feature importance as XGBoost's `get_score`: split counts, gains and covers per feature,
 * keyed by feature name (or f0, f1, … without names); unused features are absent.
 */
import { ConfigError } from '../shared/errors.ts';
import type { RegTree } from './tree/regtree.ts';

/** The importance types XGBoost knows. */
export const IMPORTANCE_TYPES = ['weight', 'gain', 'cover', 'total_gain', 'total_cover'] as const;
/** One of IMPORTANCE_TYPES. */
export type ImportanceType = (typeof IMPORTANCE_TYPES)[number];

/** Importance of each used feature over `trees`. */
export function featureImportance(trees: readonly RegTree[], names: readonly string[] | undefined, type: ImportanceType): Record<string, number> {
  if (!(IMPORTANCE_TYPES as readonly string[]).includes(type)) {
    throw new ConfigError(`importance type must be one of ${IMPORTANCE_TYPES.join(', ')}, got ${JSON.stringify(type)}`, { key: 'importance_type' });
  }
  const count = new Map<number, number>();
  const gain = new Map<number, number>();
  const cover = new Map<number, number>();
  for (const t of trees) {
    for (let n = 0; n < t.numNodes; n++) {
      if (t.isLeaf(n)) continue;
      const f = t.splitIndices[n];
      count.set(f, (count.get(f) ?? 0) + 1);
      gain.set(f, (gain.get(f) ?? 0) + t.lossChanges[n]);
      cover.set(f, (cover.get(f) ?? 0) + t.sumHessian[n]);
    }
  }
  const out: Record<string, number> = {};
  for (const f of [...count.keys()].sort((a, b) => a - b)) {
    const key = names && names.length ? names[f] : `f${f}`;
    const c = count.get(f)!;
    out[key] =
      type === 'weight' ? c : type === 'gain' ? gain.get(f)! / c : type === 'cover' ? cover.get(f)! / c : type === 'total_gain' ? gain.get(f)! : cover.get(f)!;
  }
  return out;
}
