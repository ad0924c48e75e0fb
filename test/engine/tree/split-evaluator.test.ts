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

describe('split evaluation skips only candidates that cannot win', () => {
  /** Every candidate's exact gain, no skipping: the reference the fast search must match. */
  function exhaustive(hist: Float64Array, cuts: HistogramCuts, missingBase: number, features: Int32Array, G: number, H: number, p: typeof P) {
    const f32 = Math.fround;
    const rootGain = calcGain(p, G, H);
    const best = noSplit();
    const consider = (gain: number, f: number, bin: number, dl: boolean, lg: number, lh: number) => {
      if (gain > best.lossChg && gain !== Infinity) Object.assign(best, { lossChg: gain, feature: f, splitBin: bin, defaultLeft: dl, leftG: lg, leftH: lh, rightG: G - lg, rightH: H - lh });
    };
    for (const f of features) {
      const [b0, b1] = [cuts.ptrs[f], cuts.ptrs[f + 1]];
      let lg = 0;
      let lh = 0;
      for (let i = b0; i < b1; i++) {
        if (hist[2 * i] === 0 && hist[2 * i + 1] === 0) continue;
        lg += hist[2 * i];
        lh += hist[2 * i + 1];
        if (H - lh < p.minChildWeight) break;
        if (lh >= p.minChildWeight) consider(f32(f32(calcGain(p, lg, lh) + calcGain(p, G - lg, H - lh)) - rootGain), f, i, false, lg, lh);
      }
      const m = missingBase + f;
      if (hist[2 * m] === 0 && hist[2 * m + 1] === 0) continue;
      let ug = 0;
      let uh = 0;
      for (let i = b1 - 1; i >= b0; i--) {
        if (hist[2 * i] === 0 && hist[2 * i + 1] === 0) continue;
        ug += hist[2 * i];
        uh += hist[2 * i + 1];
        if (H - uh < p.minChildWeight) break;
        if (uh >= p.minChildWeight) consider(f32(f32(calcGain(p, G - ug, H - uh) + calcGain(p, ug, uh)) - rootGain), f, i - 1, true, G - ug, H - uh);
      }
    }
    return best;
  }

  it('matches the exhaustive search on 3,000 random nodes, near-ties included', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const ncol = 4;
    const per = 12;
    const ptrs = Uint32Array.from({ length: ncol + 1 }, (_, f) => f * per);
    const cuts: HistogramCuts = { ptrs, values: Float32Array.from({ length: ncol * per }, (_, i) => i), minValues: new Float32Array(ncol).fill(-1) };
    const features = Int32Array.from([0, 1, 2, 3]);
    for (let trial = 0; trial < 3000; trial++) {
      const hist = new Float64Array((ncol * per + ncol) * 2);
      const twin = trial % 3 === 0; // features 0 and 1 identical: exact ties between them
      for (let i = 0; i < ncol * per + ncol; i++) {
        if (rnd() < 0.2) continue;
        hist[2 * i] = Math.fround((rnd() - 0.5) * (trial % 2 ? 1e-3 : 50));
        hist[2 * i + 1] = Math.fround(rnd() * (trial % 2 ? 1e-3 : 10));
      }
      if (twin) hist.copyWithin(2 * per, 0, 2 * per);
      let G = 0;
      let H = 0;
      for (let i = 0; i < per; i++) {
        G += hist[2 * i];
        H += hist[2 * i + 1];
      }
      G += hist[2 * ncol * per];
      H += hist[2 * ncol * per + 1];
      const p = { ...P, lambda: trial % 5 === 0 ? 0.01 : 1, alpha: trial % 7 === 0 ? 0.5 : 0, minChildWeight: trial % 2 ? 0 : 1 };
      const fast = noSplit();
      evaluateSplit(hist, cuts, ncol * per, features, G, H, calcGain(p, G, H), p, fast);
      const ref = exhaustive(hist, cuts, ncol * per, features, G, H, p);
      assert.deepEqual({ ...fast, value: 0 }, { ...ref, value: 0 }, `trial ${trial}`);
    }
  });
});
