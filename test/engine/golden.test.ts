/**
 * The engine against golden fixtures made by real XGBoost 1.7: models saved by XGBoost load and
 * predict the same; training with the same parameters reproduces XGBoost's predictions (the
 * datasets have at most max_bin distinct values per feature, so cut points are exact).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Booster, DMatrix, evaluate, train, type ImportanceType } from '../../functions/src/engine/index.ts';
import { caseMatrix, cases, fixtureCase, maxAbsDiff, modelText, readCsv } from './fixtures.ts';

const TOL = 2e-5;
const exact = cases.filter((c) => c.dataset === 'data' && !c.continueRounds && !c.early);

describe('XGBoost models load and predict the same', () => {
  for (const c of cases) {
    it(c.name, () => {
      const b = Booster.loadModel(modelText(c.name));
      const d = caseMatrix(c);
      assert.ok(maxAbsDiff(b.predict(d), c.pred) < TOL, 'predictions');
      assert.ok(maxAbsDiff(b.predict(d, { outputMargin: true }), c.margin) < TOL, 'margins');
      const leaves = b.predict(d, { predLeaf: true });
      assert.deepEqual(Array.from(leaves.subarray(0, c.leaf.length)), c.leaf, 'leaf indices');
      if (c.predRange) assert.ok(maxAbsDiff(b.predict(d, { iterationRange: c.predRange.range }), c.predRange.pred) < TOL, 'iteration range');
      for (const [type, expected] of Object.entries(c.importance)) {
        const got = b.featureImportance(type as ImportanceType);
        assert.deepEqual(Object.keys(got).sort(), Object.keys(expected).sort(), `${type} keys`);
        for (const k of Object.keys(expected)) assert.ok(Math.abs(got[k] - expected[k]) <= 1e-4 * Math.max(1, Math.abs(expected[k])), `${type} ${k}: ${got[k]} vs ${expected[k]}`);
      }
    });
  }
});

describe('training reproduces XGBoost', () => {
  for (const c of exact) {
    it(c.name, () => {
      const d = caseMatrix(c);
      const b = train(c.params, d, { numBoostRound: c.rounds });
      assert.equal(b.numBoostedRounds(), c.rounds);
      assert.ok(maxAbsDiff(b.predict(d), c.pred) < 1e-4, `predictions differ by ${maxAbsDiff(b.predict(d), c.pred)}`);
      // Same trees: the split structure of every tree equals XGBoost's.
      const theirs = Booster.loadModel(modelText(c.name));
      b.trees.forEach((t, i) => assert.deepEqual(t.leftChildren, theirs.trees[i].leftChildren, `tree ${i} shape`));
    });
  }

  it('continues an XGBoost model (xgb_model) exactly as XGBoost does', () => {
    const c = fixtureCase('continue');
    const d = caseMatrix(c);
    const base = Booster.loadModel(modelText('continue_base'));
    const b = train(c.params, d, { numBoostRound: c.continueRounds, xgbModel: base });
    assert.equal(b.numBoostedRounds(), c.rounds + c.continueRounds!);
    assert.equal(base.numBoostedRounds(), c.rounds, 'the base model is not modified');
    assert.ok(maxAbsDiff(b.predict(d), c.pred) < 1e-4);
  });

  it('stops early at the same best iteration with the same history', () => {
    const c = fixtureCase('early');
    const d = caseMatrix(c);
    const v = readCsv('valid.csv');
    const valid = new DMatrix(v.X, v.nrow, v.ncol, { label: v.columns[c.label] });
    const b = train(c.params, d, { numBoostRound: c.rounds, evals: [{ name: 'valid', data: valid }], earlyStoppingRounds: c.early });
    assert.equal(b.bestIteration, c.bestIteration);
    assert.equal(b.numBoostedRounds(), c.bestIteration! + c.early! + 1);
    for (const m of ['error', 'logloss']) assert.ok(maxAbsDiff(b.evalsResult.valid[m], c.evalsResult!.valid[m]) < 1e-5, m);
    assert.ok(Math.abs(b.bestScore! - c.bestScore!) < 1e-5);
    assert.equal(b.getAttr('best_iteration'), String(c.bestIteration));
  });

  it('trains with sketch cut points (more distinct values than max_bin) to the same quality', () => {
    for (const name of ['big', 'maxbin16']) {
      const c = fixtureCase(name);
      const d = caseMatrix(c);
      const b = train(c.params, d, { numBoostRound: c.rounds });
      const metric = Object.keys(c.metrics)[0];
      const v = evaluate(metric, b.predict(d), d.label!);
      assert.ok(Math.abs(v - c.metrics[metric]) <= 0.05 * c.metrics[metric], `${name} ${metric} ${v} vs XGBoost ${c.metrics[metric]}`);
    }
  });
});
