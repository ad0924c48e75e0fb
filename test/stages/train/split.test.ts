import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stratifiedFolds, stratifiedSplit } from '../../../functions/src/stages/train/split.ts';

const keys = Int32Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 2 : i % 3 === 0 ? 1 : 0));

describe('splits', () => {
  it('holds out the requested share, stratified, the same for the same seed', () => {
    const a = stratifiedSplit(keys, 0.2, 42);
    assert.equal(a.heldOut.length, 40);
    assert.equal(a.train.length + a.heldOut.length, 200);
    assert.equal(new Set([...a.train, ...a.heldOut]).size, 200);
    const share = (rows: Int32Array, k: number) => rows.filter((r) => keys[r] === k).length / rows.length;
    for (const k of [0, 1, 2]) assert.ok(Math.abs(share(a.heldOut, k) - share(a.train, k)) < 0.03, `stratum ${k}`);
    assert.deepEqual(stratifiedSplit(keys, 0.2, 42), a);
    assert.notDeepEqual(stratifiedSplit(keys, 0.2, 43).heldOut, a.heldOut);
  });

  it('deals k disjoint folds covering the rows', () => {
    const rows = Int32Array.from({ length: 150 }, (_, i) => i + 50);
    const folds = stratifiedFolds(keys, rows, 5, 1);
    assert.equal(folds.length, 5);
    const held = folds.flatMap((f) => [...f.heldOut]);
    assert.equal(held.length, 150);
    assert.equal(new Set(held).size, 150);
    for (const f of folds) {
      assert.equal(f.train.length + f.heldOut.length, 150);
      assert.ok(f.heldOut.length >= 29 && f.heldOut.length <= 31);
    }
  });
});
