import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistogramCuts } from '../../../functions/src/engine/data/histogram-cuts.ts';
import { evaluateSplit, noSplit } from '../../../functions/src/engine/tree/split-evaluator.ts';
import { calcGain, calcWeight } from '../../../functions/src/engine/tree/tree-math.ts';

const P = { lambda: 1, alpha: 0, maxDeltaStep: 0, minChildWeight: 1 };

/** Two features with 3 bins each, then the two missing bins. */
function setup(bins: number[][], missing: number[][]) {
  const cuts: HistogramCuts = { ptrs: Uint32Array.from([0, 3, 6]), values: Float32Array.from([1, 2, 3, 10, 20, 30]), minValues: Float32Array.from([-1, -1]) };
  const hist = new Float64Array(16);
  [...bins, ...missing].forEach(([g, h], i) => {
    hist[2 * i] = g;
    hist[2 * i + 1] = h;
  });
  let G = 0;
  let H = 0;
  for (let i = 0; i < 3; i++) {
    G += hist[2 * i];
    H += hist[2 * i + 1];
  }
  G += hist[12];
  H += hist[13];
  return { cuts, hist, G, H };
}

describe('split evaluation', () => {
  it('finds the best threshold and sends missing values to the better side', () => {
    // Feature 0: bins (g,h) = (-4,2) (-4,2) (4,2); missing (-4,2) behaves like the low bins.
    const { cuts, hist, G, H } = setup([[-4, 2], [-4, 2], [4, 2], [0, 0], [0, 0], [0, 0]], [[-4, 2], [0, 0]]);
    const best = noSplit();
    evaluateSplit(hist, cuts, 6, Int32Array.from([0]), G, H, calcGain(P, G, H), P, best);
    assert.equal(best.feature, 0);
    assert.equal(best.value, 2, 'bins 0 and 1 hold values below cut[1] = 2');
    assert.equal(best.defaultLeft, true);
    assert.equal(best.leftG, -12);
    assert.equal(best.rightG, 4);
    const expected = Math.fround(Math.fround(calcGain(P, -12, 6) + calcGain(P, 4, 2)) - calcGain(P, G, H));
    assert.equal(best.lossChg, expected);
  });

  it('breaks ties toward the lower feature and respects min_child_weight', () => {
    const both = setup([[-4, 2], [4, 2], [0, 0], [-4, 2], [4, 2], [0, 0]], [[0, 0], [0, 0]]);
    const best = noSplit();
    evaluateSplit(both.hist, both.cuts, 6, Int32Array.from([0, 1]), 0, 8, 0, P, best);
    assert.equal(best.feature, 0);
    const strict = noSplit();
    evaluateSplit(both.hist, both.cuts, 6, Int32Array.from([0, 1]), 0, 8, 0, { ...P, minChildWeight: 5 }, strict);
    assert.equal(strict.lossChg, 0, 'no side reaches min_child_weight 5');
  });

  it('computes weights with L1, L2 and max_delta_step as XGBoost', () => {
    assert.equal(calcWeight(P, -4, 3), 1);
    assert.equal(calcWeight({ ...P, alpha: 1 }, -4, 3), Math.fround(0.75));
    assert.equal(calcWeight({ ...P, maxDeltaStep: 0.5 }, -4, 3), 0.5);
    assert.equal(calcWeight(P, -4, 0.5), 0, 'below min_child_weight');
    assert.equal(calcGain(P, -4, 3), 4);
  });
});
