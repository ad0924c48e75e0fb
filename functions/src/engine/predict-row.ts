/**
 * Prediction of one row, for the serving path (one session at a time): the row is doubled as in
 * batch prediction (see predictor.ts) and several trees are walked together.
 */
import { doubleValues, exactLeaf, type FlatForest } from './predictor.ts';

/** The doubled row, reused across calls. */
let rowScratch = new Float32Array(64);

/**
 * Add trees [t0, t1) to the margins of one row (`margin[group]`). One row's walk down a tree is a
 * chain of dependent loads, so walking the trees one by one waits on memory at every step; eight
 * trees walked together overlap those waits (eight took 0.93× the time of four on the bundle's
 * models).
 * Leaf values are added in tree order, so the margins equal `predictForest`'s bit for bit.
 */
export function predictRowForest(forest: FlatForest, t0: number, t1: number, row: Float32Array, margin: Float32Array): void {
  const { treeOffset, depth, left, key, threshold, leaf, group, exact } = forest;
  if (rowScratch.length < 2 * row.length) rowScratch = new Float32Array(2 * row.length);
  const x = rowScratch;
  doubleValues(row, 0, row.length, x);
  let t = t0;
  for (; t + 8 <= t1; t += 8) {
    if (exact[t] | exact[t + 1] | exact[t + 2] | exact[t + 3] | exact[t + 4] | exact[t + 5] | exact[t + 6] | exact[t + 7]) break;
    let n0 = treeOffset[t];
    let n1 = treeOffset[t + 1];
    let n2 = treeOffset[t + 2];
    let n3 = treeOffset[t + 3];
    let n4 = treeOffset[t + 4];
    let n5 = treeOffset[t + 5];
    let n6 = treeOffset[t + 6];
    let n7 = treeOffset[t + 7];
    // Leaves loop to themselves, so walking the deepest tree's steps is safe for all eight.
    const steps = Math.max(depth[t], depth[t + 1], depth[t + 2], depth[t + 3], depth[t + 4], depth[t + 5], depth[t + 6], depth[t + 7]);
    for (let k = 0; k < steps; k++) {
      n0 = left[n0] + +(x[key[n0]] >= threshold[n0]);
      n1 = left[n1] + +(x[key[n1]] >= threshold[n1]);
      n2 = left[n2] + +(x[key[n2]] >= threshold[n2]);
      n3 = left[n3] + +(x[key[n3]] >= threshold[n3]);
      n4 = left[n4] + +(x[key[n4]] >= threshold[n4]);
      n5 = left[n5] + +(x[key[n5]] >= threshold[n5]);
      n6 = left[n6] + +(x[key[n6]] >= threshold[n6]);
      n7 = left[n7] + +(x[key[n7]] >= threshold[n7]);
    }
    margin[group[t]] += leaf[n0];
    margin[group[t + 1]] += leaf[n1];
    margin[group[t + 2]] += leaf[n2];
    margin[group[t + 3]] += leaf[n3];
    margin[group[t + 4]] += leaf[n4];
    margin[group[t + 5]] += leaf[n5];
    margin[group[t + 6]] += leaf[n6];
    margin[group[t + 7]] += leaf[n7];
  }
  for (; t < t1; t++) {
    let n = treeOffset[t];
    if (exact[t]) n = exactLeaf(forest, n, row, 0);
    else for (let k = 0, steps = depth[t]; k < steps; k++) n = left[n] + +(x[key[n]] >= threshold[n]);
    margin[group[t]] += leaf[n];
  }
}
