import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Booster, evaluate } from '../../functions/src/engine/index.ts';
import { caseMatrix, cases, modelText } from './fixtures.ts';

describe('metrics', () => {
  it('match the values XGBoost reported for the golden models', () => {
    for (const c of cases) {
      const b = Booster.loadModel(modelText(c.name));
      const d = caseMatrix(c);
      const margin = b.predict(d, { outputMargin: true });
      const preds = b.objective.evalTransform(margin, d.nrow, b.params);
      for (const [m, expected] of Object.entries(c.metrics)) {
        const got = evaluate(m, preds, d.label!, { numClass: b.numGroups > 1 ? b.numGroups : undefined, weights: d.weight });
        assert.ok(Math.abs(got - expected) < 1e-5, `${c.name} ${m}: ${got} vs ${expected}`);
      }
    }
  });

  it('computes simple cases by hand', () => {
    const y = new Float32Array([0, 1, 1, 0]);
    assert.equal(evaluate('rmse', new Float32Array([0, 1, 1, 2]), y), 1);
    assert.equal(evaluate('mae', new Float32Array([0, 1, 1, 2]), y), 0.5);
    assert.equal(evaluate('error', new Float32Array([0.2, 0.8, 0.4, 0.6]), y), 0.5);
    assert.equal(evaluate('auc', new Float32Array([0.1, 0.9, 0.8, 0.2]), y), 1);
    assert.equal(evaluate('auc', new Float32Array([0.5, 0.5, 0.5, 0.5]), y), 0.5);
    assert.equal(evaluate('merror', new Float32Array([0.9, 0.1, 0.2, 0.8]), new Float32Array([0, 0]), { numClass: 2 }), 0.5);
    assert.ok(Math.abs(evaluate('mlogloss', new Float32Array([0.5, 0.5]), new Float32Array([1]), { numClass: 2 }) - Math.log(2)) < 1e-12);
    assert.equal(evaluate('rmse', new Float32Array([0, 2]), new Float32Array([0, 0]), { weights: new Float32Array([3, 1]) }), 1);
  });

  it('rejects unknown metrics and mismatched lengths', () => {
    assert.throws(() => evaluate('r2', new Float32Array(2), new Float32Array(2)), /unknown metric/);
    assert.throws(() => evaluate('rmse', new Float32Array(3), new Float32Array(2)), /3 predictions for 2 labels/);
  });
});
