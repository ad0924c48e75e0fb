/**
 * One model's prediction of a range of rows, from its flat forest: the unit of work that
 * `predictMany` hands to a worker thread. Equal bit for bit to the same rows of `Booster.predict`
 * (the same margins in float32, trees added in the same order, a transform row by row).
 */
import { getObjective } from './objective/registry.ts';
import type { ResolvedParams } from './params.ts';
import { predictForest, type FlatForest } from './predictor.ts';

/** What a worker needs of one model: plain data and typed arrays, nothing to parse. */
export interface ForestTask {
  forest: FlatForest;
  /** Trees [t0, t1) of the forest. */
  t0: number;
  t1: number;
  /** Margins per row (the number of classes of a multi-class model, else 1). */
  groups: number;
  baseMargin: number;
  /** The model's parameters, whose objective transforms the margins; null for raw margins. */
  transform: ResolvedParams | null;
}

/** Predictions of rows [r0, r1) of `values` (row-major, `ncol` wide), as `Booster.predict` gives them for those rows. */
export function predictRows(task: ForestTask, values: Float32Array, ncol: number, r0: number, r1: number): Float32Array {
  const n = r1 - r0;
  const margin = new Float32Array(n * task.groups).fill(task.baseMargin);
  predictForest(task.forest, task.t0, task.t1, values.subarray(r0 * ncol, r1 * ncol), n, ncol, task.groups, margin);
  return task.transform ? getObjective(task.transform.objective).predTransform(margin, n, task.transform) : margin;
}
