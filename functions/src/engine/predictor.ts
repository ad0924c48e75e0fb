/**
 * Batch prediction (XGBoost's CPU predictor): the trees are flattened once into typed arrays
 * and rows are walked in blocks, one tree at a time over the block so the tree stays in cache.
 * Margins accumulate in float32, base margin first and then tree by tree, as XGBoost does.
 */
import type { RegTree } from './tree/regtree.ts';

/**
 * All trees of a model in flat arrays, re-laid out so that a node's right child always follows
 * its left child, and leaves loop to themselves: every row then takes exactly `depth` steps per
 * tree with no data-dependent branch, so the CPU overlaps the walks of consecutive rows.
 */
export interface FlatForest {
  readonly treeOffset: Int32Array;
  /** Steps from the root to the deepest leaf, per tree. */
  readonly depth: Int32Array;
  /** Per node: [left child (right = left + 1; a leaf points to itself), feature, 1 if missing goes right]. */
  readonly nodes: Int32Array;
  /** Split condition; NaN for leaves so that no comparison moves a row off its leaf. */
  readonly threshold: Float32Array;
  /** Leaf value (0 for inner nodes). */
  readonly leaf: Float32Array;
  /** Local (model) node id of every flat node, for leaf indices. */
  readonly localId: Int32Array;
  /** Class group of each tree. */
  readonly group: Int32Array;
}

/** Flatten trees (with their class groups) for prediction. */
export function flattenForest(trees: readonly RegTree[], treeInfo: readonly number[]): FlatForest {
  let total = 0;
  for (const t of trees) total += t.numNodes;
  const treeOffset = new Int32Array(trees.length + 1);
  const depth = new Int32Array(trees.length);
  const nodes = new Int32Array(total * 3);
  const threshold = new Float32Array(total);
  const leaf = new Float32Array(total);
  const localId = new Int32Array(total);
  let o = 0;
  const queue: number[] = [];
  const level: number[] = [];
  trees.forEach((t, i) => {
    treeOffset[i] = o;
    // Breadth-first, children allocated in pairs: a node's flat id is fixed when its parent is placed.
    queue.length = 0;
    level.length = 0;
    queue.push(0);
    level.push(0);
    let next = o + 1;
    let maxDepth = 0;
    for (let q = 0; q < queue.length; q++) {
      const n = queue[q];
      const at = o + q;
      localId[at] = n;
      if (level[q] > maxDepth) maxDepth = level[q];
      if (t.leftChildren[n] === -1) {
        nodes[at * 3] = at;
        threshold[at] = NaN;
        leaf[at] = t.splitConditions[n];
        continue;
      }
      nodes[at * 3] = next;
      nodes[at * 3 + 1] = t.splitIndices[n];
      nodes[at * 3 + 2] = t.defaultLeft[n] ? 0 : 1;
      threshold[at] = t.splitConditions[n];
      next += 2;
      queue.push(t.leftChildren[n], t.rightChildren[n]);
      level.push(level[q] + 1, level[q] + 1);
    }
    depth[i] = maxDepth;
    o += queue.length;
  });
  treeOffset[trees.length] = o;
  return { treeOffset, depth, nodes, threshold, leaf, localId, group: Int32Array.from(treeInfo) };
}

const BLOCK = 64;

/** Add trees [t0, t1) to `margin` (n × groups, row-major); tree t adds to group `forest.group[t]`. */
export function predictForest(forest: FlatForest, t0: number, t1: number, data: Float32Array, nrow: number, ncol: number, groups: number, margin: Float32Array): void {
  const { treeOffset, depth, nodes, threshold, leaf, group } = forest;
  for (let r0 = 0; r0 < nrow; r0 += BLOCK) {
    const r1 = Math.min(nrow, r0 + BLOCK);
    for (let t = t0; t < t1; t++) {
      const root = treeOffset[t];
      const steps = depth[t];
      const g = group[t];
      let r = r0;
      // Four rows at a time: four independent walks keep the CPU busy while loads are in flight.
      for (; r + 4 <= r1; r += 4) {
        const b0 = r * ncol;
        const b1 = b0 + ncol;
        const b2 = b1 + ncol;
        const b3 = b2 + ncol;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        for (let k = 0; k < steps; k++) {
          const a0 = n0 * 3;
          const a1 = n1 * 3;
          const a2 = n2 * 3;
          const a3 = n3 * 3;
          const v0 = data[b0 + nodes[a0 + 1]];
          const v1 = data[b1 + nodes[a1 + 1]];
          const v2 = data[b2 + nodes[a2 + 1]];
          const v3 = data[b3 + nodes[a3 + 1]];
          n0 = nodes[a0] + (+(v0 >= threshold[n0]) | (+(v0 !== v0) & nodes[a0 + 2]));
          n1 = nodes[a1] + (+(v1 >= threshold[n1]) | (+(v1 !== v1) & nodes[a1 + 2]));
          n2 = nodes[a2] + (+(v2 >= threshold[n2]) | (+(v2 !== v2) & nodes[a2 + 2]));
          n3 = nodes[a3] + (+(v3 >= threshold[n3]) | (+(v3 !== v3) & nodes[a3 + 2]));
        }
        margin[r * groups + g] += leaf[n0];
        margin[(r + 1) * groups + g] += leaf[n1];
        margin[(r + 2) * groups + g] += leaf[n2];
        margin[(r + 3) * groups + g] += leaf[n3];
      }
      for (; r < r1; r++) {
        const base = r * ncol;
        let nid = root;
        for (let k = 0; k < steps; k++) {
          const at = nid * 3;
          const v = data[base + nodes[at + 1]];
          // Right when v >= split, or when v is missing and missing goes right.
          nid = nodes[at] + (+(v >= threshold[nid]) | (+(v !== v) & nodes[at + 2]));
        }
        margin[r * groups + g] += leaf[nid];
      }
    }
  }
}

/**
 * Add trees [t0, t1) to the margins of one row (`margin[group]`). One row's walk down a tree is a
 * chain of dependent loads, so walking the trees one by one waits on memory at every step; four
 * trees walked together overlap those waits (the serving path predicts one session at a time).
 * Leaf values are added in tree order, so the margins equal `predictForest`'s bit for bit.
 */
export function predictRowForest(forest: FlatForest, t0: number, t1: number, row: Float32Array, margin: Float32Array): void {
  const { treeOffset, depth, nodes, threshold, leaf, group } = forest;
  let t = t0;
  for (; t + 4 <= t1; t += 4) {
    let n0 = treeOffset[t];
    let n1 = treeOffset[t + 1];
    let n2 = treeOffset[t + 2];
    let n3 = treeOffset[t + 3];
    // Leaves loop to themselves, so walking the deepest tree's steps is safe for all four.
    const steps = Math.max(depth[t], depth[t + 1], depth[t + 2], depth[t + 3]);
    for (let k = 0; k < steps; k++) {
      const a0 = n0 * 3;
      const a1 = n1 * 3;
      const a2 = n2 * 3;
      const a3 = n3 * 3;
      const v0 = row[nodes[a0 + 1]];
      const v1 = row[nodes[a1 + 1]];
      const v2 = row[nodes[a2 + 1]];
      const v3 = row[nodes[a3 + 1]];
      n0 = nodes[a0] + (+(v0 >= threshold[n0]) | (+(v0 !== v0) & nodes[a0 + 2]));
      n1 = nodes[a1] + (+(v1 >= threshold[n1]) | (+(v1 !== v1) & nodes[a1 + 2]));
      n2 = nodes[a2] + (+(v2 >= threshold[n2]) | (+(v2 !== v2) & nodes[a2 + 2]));
      n3 = nodes[a3] + (+(v3 >= threshold[n3]) | (+(v3 !== v3) & nodes[a3 + 2]));
    }
    margin[group[t]] += leaf[n0];
    margin[group[t + 1]] += leaf[n1];
    margin[group[t + 2]] += leaf[n2];
    margin[group[t + 3]] += leaf[n3];
  }
  for (; t < t1; t++) {
    let nid = treeOffset[t];
    for (let k = 0, steps = depth[t]; k < steps; k++) {
      const at = nid * 3;
      const v = row[nodes[at + 1]];
      nid = nodes[at] + (+(v >= threshold[nid]) | (+(v !== v) & nodes[at + 2]));
    }
    margin[group[t]] += leaf[nid];
  }
}

/** The model's leaf id reached by every row in trees [t0, t1), as n × (t1 − t0) row-major. */
export function predictLeaves(forest: FlatForest, t0: number, t1: number, data: Float32Array, nrow: number, ncol: number): Float32Array {
  const { treeOffset, depth, nodes, threshold, localId } = forest;
  const ntree = t1 - t0;
  const out = new Float32Array(nrow * ntree);
  for (let r = 0; r < nrow; r++) {
    const base = r * ncol;
    for (let t = t0; t < t1; t++) {
      let nid = treeOffset[t];
      for (let k = 0, steps = depth[t]; k < steps; k++) {
        const at = nid * 3;
        const v = data[base + nodes[at + 1]];
        nid = nodes[at] + (+(v >= threshold[nid]) | (+(v !== v) & nodes[at + 2]));
      }
      out[r * ntree + (t - t0)] = localId[nid];
    }
  }
  return out;
}
