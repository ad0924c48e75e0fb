import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Booster, DMatrix, train } from '../../functions/src/engine/index.ts';
import { ConfigError, DataError } from '../../functions/src/shared/errors.ts';
import { caseMatrix, fixtureCase, maxAbsDiff } from './fixtures.ts';

const reg = () => caseMatrix(fixtureCase('reg'));
const big = () => caseMatrix(fixtureCase('big'));

describe('train', () => {
  it('is deterministic for a seed, with row and column sampling', () => {
    const p = { subsample: 0.7, colsample_bytree: 0.8, colsample_bylevel: 0.8, colsample_bynode: 0.6, seed: 3 };
    const a = train(p, big(), { numBoostRound: 8 }).saveModel();
    const b = train(p, big(), { numBoostRound: 8 }).saveModel();
    const c = train({ ...p, seed: 4 }, big(), { numBoostRound: 8 }).saveModel();
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('records per-round history for every eval set and metric, and calls onIteration', () => {
    const d = reg();
    const seen: number[] = [];
    const b = train({ eval_metric: ['rmse', 'mae'] }, d, {
      numBoostRound: 5,
      evals: [{ name: 'train', data: d }],
      onIteration: (info) => void seen.push(info.evals.train.rmse),
    });
    assert.equal(b.evalsResult.train.rmse.length, 5);
    assert.equal(b.evalsResult.train.mae.length, 5);
    assert.deepEqual(seen, b.evalsResult.train.rmse);
    for (let i = 1; i < 5; i++) assert.ok(seen[i] < seen[i - 1], 'training rmse decreases');
  });

  it('stops when onIteration returns true', () => {
    const b = train({}, reg(), { numBoostRound: 50, onIteration: ({ iteration }) => iteration === 2 });
    assert.equal(b.numBoostedRounds(), 3);
  });

  it('early stopping maximises auc and keeps all trees', () => {
    const c = fixtureCase('logistic');
    const d = caseMatrix(c);
    const valid = d.slice(Array.from({ length: 60 }, (_, i) => i * 3));
    const b = train({ objective: 'binary:logistic', eval_metric: 'auc', eta: 0.9 }, d, { numBoostRound: 200, evals: [{ name: 'v', data: valid }], earlyStoppingRounds: 3 });
    const h = b.evalsResult.v.auc;
    assert.equal(b.bestScore, Math.max(...h));
    assert.equal(h.indexOf(b.bestScore!), b.bestIteration);
    assert.equal(b.numBoostedRounds(), b.bestIteration! + 4);
  });

  it('continuing adds trees to a copy and needs the same objective', () => {
    const d = reg();
    const base = train({ max_depth: 2 }, d, { numBoostRound: 3 });
    const more = train({ max_depth: 2 }, d, { numBoostRound: 2, xgbModel: base });
    assert.equal(base.numBoostedRounds(), 3);
    assert.equal(more.numBoostedRounds(), 5);
    const first3 = more.predict(d, { iterationRange: [0, 3] });
    assert.equal(maxAbsDiff(first3, base.predict(d)), 0);
    assert.throws(() => train({ objective: 'binary:logistic' }, d, { xgbModel: base }), ConfigError);
  });

  it('sample weights change the model; zero weights are as if the rows were absent', () => {
    const d = reg();
    const w = new Float32Array(d.nrow).fill(1);
    for (let i = 0; i < d.nrow; i += 2) w[i] = 0;
    const weighted = train({ max_depth: 3 }, new DMatrix(d.data, d.nrow, d.ncol, { label: d.label, weight: w }), { numBoostRound: 3 });
    const plain = train({ max_depth: 3 }, d, { numBoostRound: 3 });
    assert.ok(maxAbsDiff(weighted.predict(d), plain.predict(d)) > 1e-3);
    const odd = Array.from({ length: d.nrow / 2 }, (_, i) => 2 * i + 1);
    const onlyOdd = d.slice(odd);
    const hess = weighted.trees[0].sumHessian[0];
    assert.equal(hess, onlyOdd.nrow, 'root cover counts only weighted rows');
  });

  it('predicts leaf indices, margins and iteration ranges consistently', () => {
    const d = reg();
    const b = train({ max_depth: 3, eta: 0.5 }, d, { numBoostRound: 4 });
    const leaves = b.predict(d, { predLeaf: true });
    assert.equal(leaves.length, d.nrow * 4);
    const margin = b.predict(d, { outputMargin: true });
    // Sum of leaf values + base score = margin.
    for (const r of [0, 17, 99]) {
      let m = Math.fround(0.5);
      for (let t = 0; t < 4; t++) m = Math.fround(m + b.trees[t].splitConditions[leaves[r * 4 + t]]);
      assert.equal(margin[r], m);
    }
    assert.throws(() => b.predict(d, { iterationRange: [0, 5] }), /outside the model's 4 rounds/);
  });

  it('rejects bad inputs with errors that name the row or option', () => {
    const d = reg();
    assert.throws(() => train({ objective: 'multi:softprob', num_class: 2 }, caseMatrix(fixtureCase('softprob'))), (e: unknown) => e instanceof DataError && /row \d+ must be a class id in 0…1/.test(e.message));
    assert.throws(() => train({ objective: 'binary:logistic' }, d), (e: unknown) => e instanceof DataError && /label of row \d+ must be in \[0, 1\]/.test(e.message));
    assert.throws(() => train({}, new DMatrix(d.data, d.nrow, d.ncol)), /no labels/);
    assert.throws(() => train({}, d, { earlyStoppingRounds: 3 }), /needs at least one evaluation set/);
    const b = train({}, d, { numBoostRound: 1 });
    assert.throws(() => b.predict(new DMatrix(new Float32Array(4), 1, 4)), /expects 5 features, the data has 4/);
    assert.throws(() => new DMatrix(new Float32Array(5), 2, 3), /expected 2 x 3/);
  });

  it('grows loss-guided trees up to max_leaves and depth-wise trees up to max_depth', () => {
    const d = big();
    const lg = train({ grow_policy: 'lossguide', max_leaves: 5, max_depth: 0 }, d, { numBoostRound: 3 });
    for (const t of lg.trees) assert.equal(t.leftChildren.filter((x) => x === -1).length, 5);
    const dw = train({ max_depth: 2 }, d, { numBoostRound: 3 });
    for (const t of dw.trees) for (let n = 0; n < t.numNodes; n++) assert.ok(t.depth(n) <= 2);
  });

  it('learns a default direction for missing values', () => {
    // Missing values carry the signal: they must go with the high label.
    const n = 400;
    const X = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      X[i] = i % 4 === 0 ? NaN : (i % 100) / 100;
      y[i] = i % 4 === 0 ? 10 : X[i] < 0.5 ? 0 : 1;
    }
    const b = train({ max_depth: 2, eta: 1, lambda: 0 }, new DMatrix(X, n, 1, { label: y }), { numBoostRound: 1 });
    const p = b.predict(new DMatrix(new Float32Array([NaN, 0.1, 0.9]), 3, 1));
    assert.ok(Math.abs(p[0] - 10) < 1e-3 && Math.abs(p[1]) < 1e-3 && Math.abs(p[2] - 1) < 1e-3, `${Array.from(p)}`);
  });

  it('reports feature importance keyed by name', () => {
    const c = fixtureCase('names');
    const b = train(c.params, caseMatrix(c), { numBoostRound: 3 });
    const w = b.featureImportance('weight');
    assert.ok(Object.keys(w).every((k) => /^f\d$/.test(k)));
    const total = b.featureImportance('total_gain');
    const gain = b.featureImportance('gain');
    for (const k of Object.keys(w)) assert.ok(Math.abs(total[k] / w[k] - gain[k]) < 1e-9);
    assert.ok(Booster.loadModel(b.saveModel()).featureNames?.length === 5);
  });
});
