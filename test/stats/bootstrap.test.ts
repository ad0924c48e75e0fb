/** The paired bootstrap: seeded, centred on the observed difference, and honest about no difference. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pairedBootstrap } from '../../functions/src/stats/bootstrap.ts';
import { twoProportionTest, wilsonInterval } from '../../functions/src/stats/proportions.ts';

function column(n: number, f: (i: number) => number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => f(i));
}

describe('pairedBootstrap', () => {
  const n = 2000;
  const a = column(n, (i) => ((i * 7919) % 1000) / 1000);
  it('an identical pair: estimate 0, interval [0, 0], p = 1', () => {
    const [r] = pairedBootstrap([{ name: 'x', kind: 'mean-diff', a, b: a }], { resamples: 300, seed: 1, level: 0.95 });
    assert.equal(r.estimate, 0);
    assert.equal(r.lower, 0);
    assert.equal(r.upper, 0);
    assert.equal(r.pValue, 1);
  });
  it('a shifted pair: the interval holds the shift, excludes 0, and p is tiny; same seed, same numbers', () => {
    const b = column(n, (i) => a[i] + 0.05 + (((i * 31) % 7) - 3) / 100);
    const opts = { resamples: 300, seed: 7, level: 0.95 };
    const [r] = pairedBootstrap([{ name: 'x', kind: 'mean-diff', a, b }], opts);
    assert.ok(Math.abs(r.estimate - 0.05) < 0.002, String(r.estimate));
    assert.ok(r.lower > 0.04 && r.upper < 0.06 && r.lower < r.estimate && r.estimate < r.upper, JSON.stringify(r));
    assert.ok(r.pValue < 1e-6);
    assert.deepEqual(pairedBootstrap([{ name: 'x', kind: 'mean-diff', a, b }], opts), [r]);
  });
  it('rmse-diff is the difference of root mean squares', () => {
    const sqA = column(4, () => 4);
    const sqB = column(4, () => 9);
    const [r] = pairedBootstrap([{ name: 'rmse', kind: 'rmse-diff', a: sqA, b: sqB }], { resamples: 50, seed: 1, level: 0.9 });
    assert.equal(r.estimate, 1);
  });
});

describe('proportions', () => {
  it('Wilson interval of 81/263 at 95 % is [0.2553, 0.3662] (Newcombe 1998, example)', () => {
    const ci = wilsonInterval(81, 263, 0.95);
    assert.ok(Math.abs(ci.lower - 0.2553) < 5e-4 && Math.abs(ci.upper - 0.3662) < 5e-4, JSON.stringify(ci));
  });
  it('Newcombe difference 56/70 − 48/80 = 0.2, interval [0.0524, 0.3339] (Newcombe 1998, method 10)', () => {
    const t = twoProportionTest(48, 80, 56, 70, 0.95);
    assert.ok(Math.abs(t.diff - 0.2) < 1e-12);
    assert.ok(Math.abs(t.lower - 0.0524) < 5e-4 && Math.abs(t.upper - 0.3339) < 5e-4, JSON.stringify(t));
    assert.ok(t.pValue < 0.01);
  });
});
