import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeCuts, searchBin } from '../../../functions/src/engine/data/histogram-cuts.ts';
import { DMatrix } from '../../../functions/src/engine/index.ts';

describe('histogram cuts', () => {
  it('uses every distinct value as a cut when there are at most max_bin (as XGBoost hist)', () => {
    const data = new Float32Array([3, 1, NaN, 2, 2, 5]);
    const c = computeCuts(data, 6, 1, 256);
    assert.deepEqual(Array.from(c.values), [2, 3, 5, Math.fround(5 + 5 + 1e-5)]);
    assert.equal(c.minValues[0], Math.fround(1 - (1 + 1e-5)));
    // value < cut[j] falls in bin j
    assert.equal(searchBin(c, 0, 1), 0);
    assert.equal(searchBin(c, 0, 2), 1);
    assert.equal(searchBin(c, 0, 4.9), 2);
    assert.equal(searchBin(c, 0, 1e9), 3, 'clamped to the last bin');
  });

  it('makes at most max_bin increasing cuts from quantiles otherwise', () => {
    const n = 10000;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (i * 7919) % n;
    const c = computeCuts(data, n, 1, 16);
    assert.ok(c.values.length <= 16 && c.values.length >= 15);
    for (let i = 1; i < c.values.length; i++) assert.ok(c.values[i] > c.values[i - 1]);
    // roughly equal-frequency bins
    assert.ok(Math.abs(c.values[7] - n / 2) < n / 16);
  });

  it('gives a feature that is all missing no bins, and bins once per DMatrix and max_bin', () => {
    const d = new DMatrix(new Float32Array([NaN, 1, NaN, 2]), 2, 2);
    const g = d.gradientIndex(256);
    assert.equal(g.cuts.ptrs[1] - g.cuts.ptrs[0], 0);
    assert.equal(g.index[0], g.numCutBins + 0, 'missing bin of feature 0');
    assert.equal(d.gradientIndex(256), g);
    assert.notEqual(d.gradientIndex(16), g);
  });

  it('weights shift the quantiles', () => {
    const n = 1000;
    const data = new Float32Array(n);
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      data[i] = i;
      w[i] = i < 500 ? 9 : 1;
    }
    const unweighted = computeCuts(data, n, 1, 4);
    const weighted = computeCuts(data, n, 1, 4, w);
    assert.ok(weighted.values[1] < unweighted.values[1], `${weighted.values[1]} < ${unweighted.values[1]}`);
  });
});
