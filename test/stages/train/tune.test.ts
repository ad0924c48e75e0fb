import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { applyScaler, fitScaler } from '../../../functions/src/models/scaler.ts';
import { parseTrainingCsv, stratumKeys } from '../../../functions/src/stages/train/dataset.ts';
import { planSearch, rungSizes, sampleCandidates, tuneHyperParams } from '../../../functions/src/stages/train/tune.ts';
import { defaultTargets } from '../../../functions/src/stages/train/targets.ts';
import { configHyperParams } from '../../../functions/src/stages/train/params.ts';
import { makeCsv } from './fixtures.ts';

describe('hyperparameter search', () => {
  it('plans rungs of successive halving that fit the budget', () => {
    assert.deepEqual(rungSizes(16), [16, 6, 2]);
    assert.deepEqual(rungSizes(2), [2]);
    const roomy = planSearch({ rows: 2000, trials: 16, folds: 5, budgetSeconds: 1e6, treesPerRound: 17, maxRounds: 100 });
    assert.deepEqual(roomy.map((r) => [r.candidates, r.rows, r.folds]), [[16, 222, 1], [6, 667, 1], [2, 2000, 5]]);
    const tight = planSearch({ rows: 8000, trials: 16, folds: 5, budgetSeconds: 15, treesPerRound: 17, maxRounds: 100 });
    assert.ok(tight[2].rows < 8000 && tight[2].rows >= 200);
    assert.ok(tight[0].rows < tight[1].rows && tight[1].rows < tight[2].rows);
  });

  it('samples the same candidates for the same seed, the config first', () => {
    const base = configHyperParams(parseConfig({}));
    const a = sampleCandidates(8, base, 42);
    assert.deepEqual(a[0], base);
    assert.deepEqual(sampleCandidates(8, base, 42), a);
    assert.notDeepEqual(sampleCandidates(8, base, 43), a);
    for (const c of a.slice(1)) {
      assert.ok(c.max_depth >= 3 && c.max_depth <= 8);
      assert.ok(c.eta >= 0.05 && c.eta <= 0.3);
      assert.ok(c.subsample >= 0.6 && c.subsample <= 1);
    }
  });

  const config = parseConfig({ training: { rounds: 5, maxDepth: 2, workers: 1, earlyStoppingRounds: 2 }, strategies: { full: { tuningTrials: 3 } } });
  const targets = defaultTargets();
  const table = parseTrainingCsv(makeCsv({ rows: 180, seed: 6 }), 'd.csv', targets);
  const scaler = fitScaler(table.values, table.rows, table.features);
  const input = { values: applyScaler(scaler, table.values, table.rows), ncol: 19, table, keys: stratumKeys(table, targets), targets, config, folds: 3 };

  it('scores every candidate per target with CV, keeps the best, and reports the search', async () => {
    const a = await tuneHyperParams(input);
    assert.equal(a.report.budgetExhausted, false);
    assert.deepEqual(a.report.plan.map((r) => [r.candidates, r.folds]), [[3, 1], [1, 3]]);
    assert.equal(a.report.rungs, 2);
    for (const t of targets) {
      const r = a.report.targets[t.name];
      assert.equal(r.trials.length, 3);
      assert.ok(r.trials.every((x) => x.rungs.length >= 1));
      const finalists = r.trials.filter((x) => x.rungs.length === 2);
      assert.equal(finalists.length, 1);
      // The finalist is the best of the first rung, and it is the one chosen.
      assert.equal(finalists[0].rungs[0].score, Math.min(...r.trials.map((x) => x.rungs[0].score)));
      assert.equal(r.chosen.trial, finalists[0].trial);
      assert.equal(r.chosen.cvScore, finalists[0].rungs[1].score);
      assert.ok(a.choice[t.name].rounds >= 1 && a.choice[t.name].rounds <= 5);
    }
    const b = await tuneHyperParams(input);
    assert.deepEqual(b.choice, a.choice);
  });

  it('stops between rungs when the budget is spent, and says so', async () => {
    const r = await tuneHyperParams({ ...input, budgetSeconds: 0.001 });
    assert.equal(r.report.budgetExhausted, true);
    assert.equal(r.report.rungs, 1);
    assert.ok(Object.values(r.choice).every((c) => c.rounds >= 1));
  });
});
