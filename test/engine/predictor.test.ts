import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flattenForest, predictForest, predictLeaves } from '../../functions/src/engine/predictor.ts';
import { RegTree } from '../../functions/src/engine/tree/regtree.ts';

/** root: x0 < 1 (missing left) → [leaf 10 | x1 < 0 (missing right) → [leaf 20 | leaf 30]] */
function tree(): RegTree {
  const t = RegTree.leaf(0, 0, 1);
  const [, r] = t.expand(0, { feature: 0, value: 1, defaultLeft: true, lossChg: 1 }, 0, 10, 0, 1, 0.5, 0.5);
  t.expand(r, { feature: 1, value: 0, defaultLeft: false, lossChg: 1 }, 0, 20, 30, 0.5, 0.25, 0.25);
  return t;
}

describe('predictor', () => {
  const rows: Array<[number, number, number, number]> = [
    // x0, x1, expected value, expected leaf id
    [0, 5, 10, 1],
    [1, -1, 20, 3], // 1 is not < 1: right
    [1, 0, 30, 4],
    [NaN, 5, 10, 1], // missing goes left at the root
    [2, NaN, 30, 4], // missing goes right at node 2
    [Infinity, -Infinity, 20, 3],
    [-Infinity, NaN, 10, 1],
  ];
  const data = Float32Array.from(rows.flatMap(([a, b]) => [a, b]));

  it("follows XGBoost's split semantics (value < split goes left, missing by default_left)", () => {
    const t = tree();
    // A right child that is not next to its left child, as pruned XGBoost trees may have.
    const forest = flattenForest([t, t], [0, 0]);
    const margin = new Float32Array(rows.length);
    predictForest(forest, 0, 1, data, rows.length, 2, 1, margin);
    assert.deepEqual(Array.from(margin), rows.map((r) => r[2]));
    predictForest(forest, 1, 2, data, rows.length, 2, 1, margin);
    assert.deepEqual(Array.from(margin), rows.map((r) => 2 * r[2]));
    const leaves = predictLeaves(forest, 0, 1, data, rows.length, 2);
    assert.deepEqual(Array.from(leaves), rows.map((r) => r[3]));
    for (let i = 0; i < rows.length; i++) assert.equal(t.leafIndex(data, i * 2), rows[i][3]);
  });

  it('routes a group per tree into a multi-class margin', () => {
    const forest = flattenForest([tree(), RegTree.leaf(7, 7, 1)], [1, 0]);
    const margin = new Float32Array(rows.length * 2);
    predictForest(forest, 0, 2, data, rows.length, 2, 2, margin);
    assert.deepEqual(Array.from(margin.filter((_, i) => i % 2 === 1)), rows.map((r) => r[2]));
    assert.ok(margin.filter((_, i) => i % 2 === 0).every((v) => v === 7));
  });
});
