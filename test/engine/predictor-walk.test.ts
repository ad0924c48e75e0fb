/**
 * The blocked walk (doubled rows, eight rows at a time), the walk of a few trees over plain rows,
 * the one-row walk and the leaf walk agree with XGBoost's rule applied node by node
 * (`RegTree.leafIndex`: missing takes the default child, else left when value < split) on random
 * forests: shallow, deep and one-sided (lossguide-like) trees, single leaves, infinite and NaN
 * split values, missing values both ways, class groups.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { predictRowForest } from '../../functions/src/engine/predict-row.ts';
import { flattenForest, predictForest, predictLeaves } from '../../functions/src/engine/predictor.ts';
import { RegTree } from '../../functions/src/engine/tree/regtree.ts';
import { rng } from '../../functions/src/stages/train/random.ts';

const NCOL = 5;
/** Values that sit exactly on split values, signed zeros, infinities and missing. */
const SPECIAL = [-2, -1, -0, 0, 0.5, 1, 2, Infinity, -Infinity, NaN];

interface Shape {
  name: string;
  trees: number;
  maxDepth: number;
  /** Chance that a node at depth < maxDepth is split. */
  split: number;
  /** Only one child of a split grows further (a chain, as lossguide grows on skewed data). */
  chain?: boolean;
  /** Split values drawn from here (else SPECIAL's finite values and random ones). */
  splitValues?: number[];
  groups: number;
}

const SHAPES: Shape[] = [
  { name: 'shallow trees, one group', trees: 40, maxDepth: 3, split: 0.9, groups: 1 },
  { name: 'depth-6 trees with early leaves, three groups', trees: 30, maxDepth: 6, split: 0.8, groups: 3 },
  { name: 'deep one-sided trees (lossguide-like, depth 30)', trees: 12, maxDepth: 30, split: 1, chain: true, groups: 2 },
  { name: 'single leaves', trees: 9, maxDepth: 0, split: 1, groups: 3 },
  { name: 'infinite split values', trees: 20, maxDepth: 4, split: 0.9, splitValues: [-1, 0, 1, Infinity], groups: 1 },
  { name: 'split values of -inf and NaN (walked exactly)', trees: 20, maxDepth: 4, split: 0.9, splitValues: [-Infinity, NaN, 0, 1], groups: 2 },
];

function randomTree(r: () => number, s: Shape): RegTree {
  const finite = SPECIAL.filter(Number.isFinite);
  const t = RegTree.leaf(Math.fround(r() - 0.5), 0, 1);
  const grow = (nid: number, depth: number) => {
    if (depth >= s.maxDepth || r() >= s.split) return;
    const values = s.splitValues ?? finite;
    const value = r() < 0.6 ? values[Math.floor(r() * values.length)] : Math.fround(r() * 4 - 2);
    const [a, b] = t.expand(nid, { feature: Math.floor(r() * NCOL), value, defaultLeft: r() < 0.5, lossChg: 1 }, 0, Math.fround(r() - 0.5), Math.fround(r() - 0.5), 1, 0.5, 0.5);
    if (s.chain) grow(r() < 0.5 ? a : b, depth + 1);
    else {
      grow(a, depth + 1);
      grow(b, depth + 1);
    }
  };
  grow(0, 0);
  return t;
}

function randomData(r: () => number, nrow: number): Float32Array {
  return Float32Array.from({ length: nrow * NCOL }, () => (r() < 0.4 ? SPECIAL[Math.floor(r() * SPECIAL.length)] : r() * 4 - 2));
}

/** XGBoost's sum: base, then each tree's leaf in tree order, in float32. */
function reference(trees: RegTree[], groups: number[], t0: number, t1: number, data: Float32Array, nrow: number, k: number, base: number): Float32Array {
  const out = new Float32Array(nrow * k).fill(base);
  for (let r = 0; r < nrow; r++) {
    for (let t = t0; t < t1; t++) out[r * k + groups[t]] += trees[t].splitConditions[trees[t].leafIndex(data, r * NCOL)];
  }
  return out;
}

function assertSame(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) assert.ok(Object.is(actual[i], expected[i]), `${what}: [${i}] ${actual[i]} vs ${expected[i]}`);
}

describe('predictor walks', () => {
  for (const [s, shape] of SHAPES.entries()) {
    it(`${shape.name}: blocked, one-row and leaf walks follow XGBoost's rule`, () => {
      const r = rng(100 + s);
      const trees = Array.from({ length: shape.trees }, () => randomTree(r, shape));
      const groups = trees.map((_, i) => i % shape.groups);
      const forest = flattenForest(trees, groups);
      const k = shape.groups;
      // Row counts around the 8-row groups and the 64-row blocks.
      for (const nrow of [0, 1, 7, 8, 9, 64, 65, 150]) {
        const data = randomData(r, nrow);
        // Many trees walk doubled rows; fewer than eight walk the rows as they are.
        const ranges: Array<[number, number]> = [[0, trees.length], [1, Math.max(1, trees.length - 2)], [2, 5], [4, 5], [3, 3]];
        for (const [t0, t1] of ranges) {
          const what = `${nrow} rows, trees [${t0}, ${t1})`;
          const expected = reference(trees, groups, t0, t1, data, nrow, k, 0.25);
          const margin = new Float32Array(nrow * k).fill(0.25);
          predictForest(forest, t0, t1, data, nrow, NCOL, k, margin);
          assertSame(margin, expected, `predictForest, ${what}`);
          const row = new Float32Array(k);
          for (let i = 0; i < nrow; i++) {
            row.fill(0.25);
            predictRowForest(forest, t0, t1, data.subarray(i * NCOL, (i + 1) * NCOL), row);
            assertSame(row, expected.subarray(i * k, (i + 1) * k), `predictRowForest row ${i}, ${what}`);
          }
          const leaves = predictLeaves(forest, t0, t1, data, nrow, NCOL);
          const expectedLeaves = Float32Array.from({ length: nrow * (t1 - t0) }, (_, j) => trees[t0 + (j % (t1 - t0))].leafIndex(data, Math.floor(j / (t1 - t0)) * NCOL));
          assertSame(leaves, expectedLeaves, `predictLeaves, ${what}`);
        }
      }
    });
  }

  it('walks only the trees of an exact split exactly (the others keep the doubled rows)', () => {
    const r = rng(7);
    const plain = randomTree(r, SHAPES[0]);
    const odd = RegTree.leaf(0, 0, 1);
    odd.expand(0, { feature: 0, value: -Infinity, defaultLeft: true, lossChg: 1 }, 0, 1, 2, 1, 0.5, 0.5);
    const forest = flattenForest([plain, odd, plain], [0, 0, 0]);
    assert.deepEqual(Array.from(forest.exact), [0, 1, 0]);
    // −∞ is not below a split of −∞: right; only a missing value goes left.
    const data = Float32Array.from([-Infinity, 0, 0, 0, 0, NaN, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(predictLeaves(forest, 1, 2, data, 2, NCOL)), [2, 1]);
  });
});
