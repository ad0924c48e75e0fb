/** McNemar's test and Holm's correction against hand-worked examples. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holmAdjust } from '../../functions/src/stats/holm.ts';
import { mcnemar } from '../../functions/src/stats/mcnemar.ts';

describe('mcnemar', () => {
  it('exact test for few discordant rows: 2 vs 8 → 2·P(X ≤ 2 | n = 10, ½) = 2·56/1024', () => {
    const r = mcnemar(2, 8);
    assert.equal(r.test, 'mcnemar-exact');
    assert.ok(Math.abs(r.pValue - 112 / 1024) < 1e-12, String(r.pValue));
  });

  it('continuity-corrected chi-square beyond: 10 vs 30 → χ² = 19²/40 = 9.025, p = 0.002663', () => {
    const r = mcnemar(10, 30);
    assert.equal(r.test, 'mcnemar-chi2');
    assert.equal(r.statistic, 9.025);
    assert.ok(Math.abs(r.pValue - 0.0026631) < 5e-7, String(r.pValue));
  });

  it('no discordant rows and a symmetric split mean no evidence', () => {
    assert.equal(mcnemar(0, 0).pValue, 1);
    assert.equal(mcnemar(5, 5).pValue, 1);
  });
});

describe('holmAdjust', () => {
  it('multiplies the k-th smallest p by m − k + 1, keeps the order monotone and caps at 1', () => {
    // m = 4: sorted 0.01, 0.02, 0.03, 0.5 → 0.04, 0.06, 0.06 (monotone), 0.5.
    assert.deepEqual(holmAdjust([0.03, 0.5, 0.01, 0.02]).map((p) => Number(p.toFixed(10))), [0.06, 0.5, 0.04, 0.06]);
    assert.deepEqual(holmAdjust([0.4, 0.6]), [0.8, 0.8]);
  });
});
