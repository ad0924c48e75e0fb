/**
 * Seeded, stratified row splits: the held-out test split of a full retrain, the validation split
 * of an incremental update, and the folds of the cross-validation. Strata are the combinations
 * of the three class targets, so rare combinations land on both sides in proportion.
 */
import { rng, shuffle } from './random.ts';

/** Rows on each side of a split, ascending. */
export interface Split {
  train: Int32Array;
  heldOut: Int32Array;
}

/** Group row indices (of `rows`, or 0…n−1) by a stratum key; groups in key order. */
export function strata(keys: ArrayLike<number>, rows?: ArrayLike<number>): Int32Array[] {
  const groups = new Map<number, number[]>();
  const n = rows ? rows.length : keys.length;
  for (let k = 0; k < n; k++) {
    const r = rows ? rows[k] : k;
    const key = keys[r];
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((k) => Int32Array.from(groups.get(k)!));
}

/**
 * Hold out `share` of the rows, stratified on `keys`: each stratum gives floor(size × share)
 * rows, the remainder up to round(n × share) goes to the strata with the largest fractions.
 */
export function stratifiedSplit(keys: ArrayLike<number>, share: number, seed: number): Split {
  const n = keys.length;
  const groups = strata(keys);
  const random = rng(seed, 1);
  for (const g of groups) shuffle(g, random);
  const want = Math.round(n * share);
  const take = groups.map((g) => Math.floor(g.length * share));
  let missing = want - take.reduce((a, b) => a + b, 0);
  const order = groups.map((g, i) => ({ i, frac: g.length * share - take[i] })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (missing <= 0) break;
    if (take[i] < groups[i].length) {
      take[i] += 1;
      missing -= 1;
    }
  }
  const heldOut: number[] = [];
  const train: number[] = [];
  groups.forEach((g, i) => {
    for (let k = 0; k < g.length; k++) (k < take[i] ? heldOut : train).push(g[k]);
  });
  return { train: Int32Array.from(train).sort(), heldOut: Int32Array.from(heldOut).sort() };
}

/** `k` stratified folds over `rows`: rows of each stratum are shuffled and dealt round-robin. */
export function stratifiedFolds(keys: ArrayLike<number>, rows: ArrayLike<number>, k: number, seed: number): Split[] {
  const random = rng(seed, 2);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const g of strata(keys, rows)) {
    shuffle(g, random);
    for (const r of g) {
      folds[next].push(r);
      next = (next + 1) % k;
    }
  }
  return folds.map((held, f) => ({
    heldOut: Int32Array.from(held).sort(),
    train: Int32Array.from(folds.flatMap((o, j) => (j === f ? [] : o))).sort(),
  }));
}
