import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DMatrix, train, trainMany, type TrainJob } from '../../functions/src/engine/index.ts';
import { ConfigError } from '../../functions/src/shared/errors.ts';
import { readCsv } from './fixtures.ts';

describe('trainMany', () => {
  const t = readCsv('big.csv');
  const data = { values: t.X, nrow: t.nrow, ncol: t.ncol };
  const valid = readCsv('valid.csv');
  const jobs: TrainJob[] = [
    { params: { objective: 'multi:softprob', num_class: 3, subsample: 0.8, seed: 1 }, data, label: t.columns.y_cls, numBoostRound: 6 },
    { params: { objective: 'reg:squarederror', colsample_bynode: 0.5, seed: 2 }, data, label: t.columns.y_reg, numBoostRound: 6 },
    {
      params: { objective: 'binary:logistic', eta: 0.8 },
      data,
      label: t.columns.y_bin,
      numBoostRound: 40,
      evals: [{ name: 'valid', data: { values: valid.X, nrow: valid.nrow, ncol: valid.ncol }, label: valid.columns.y_bin }],
      earlyStoppingRounds: 3,
    },
  ];

  it('gives the same models as sequential train, on worker threads', async () => {
    const progress: number[] = [];
    const res = await trainMany(jobs, { workers: 2, onProgress: (d) => progress.push(d) });
    assert.deepEqual(progress, [1, 2, 3]);
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i];
      const evals = (j.evals ?? []).map((e) => ({ name: e.name, data: new DMatrix(e.data.values, e.data.nrow, e.data.ncol, { label: e.label }) }));
      const b = train(j.params, new DMatrix(t.X, t.nrow, t.ncol, { label: j.label }), { numBoostRound: j.numBoostRound, evals, earlyStoppingRounds: j.earlyStoppingRounds });
      assert.equal(res[i].modelJson, b.saveModel(), `job ${i}`);
      assert.deepEqual(res[i].evalsResult, b.evalsResult);
      assert.equal(res[i].bestIteration, b.bestIteration);
    }
  });

  it('bins once per matrix, max_bin and weights, and still equals sequential train', async () => {
    const w1 = Float32Array.from({ length: t.nrow }, (_, r) => 1 + (r % 3));
    const w2 = Float32Array.from({ length: t.nrow }, (_, r) => (r % 5 === 0 ? 0.5 : 2));
    const weighted: TrainJob[] = [
      { params: { objective: 'reg:squarederror', max_bin: 16, seed: 3 }, data, label: t.columns.y_reg, weight: w1, numBoostRound: 5 },
      { params: { objective: 'reg:squarederror', max_bin: 16, seed: 3 }, data, label: t.columns.y_reg, weight: w2, numBoostRound: 5 },
      { params: { objective: 'reg:squarederror', max_bin: 16, seed: 3 }, data, label: t.columns.y_reg, numBoostRound: 5 },
      { params: { objective: 'reg:squarederror', max_bin: 256, seed: 3 }, data, label: t.columns.y_reg, weight: w1, numBoostRound: 5 },
    ];
    const res = await trainMany(weighted, { workers: 2 });
    weighted.forEach((j, i) => {
      const b = train(j.params, new DMatrix(t.X, t.nrow, t.ncol, { label: j.label, weight: j.weight }), { numBoostRound: j.numBoostRound });
      assert.equal(res[i].modelJson, b.saveModel(), `job ${i}`);
    });
    assert.notEqual(res[0].modelJson, res[1].modelJson);
    assert.notEqual(res[0].modelJson, res[3].modelJson);
  });

  it('gives the same model when a matrix trains again with reused buffers', () => {
    const d = new DMatrix(t.X, t.nrow, t.ncol, { label: t.columns.y_reg });
    const first = train({ objective: 'reg:squarederror', seed: 2 }, d, { numBoostRound: 4 }).saveModel();
    train({ objective: 'reg:squarederror', max_depth: 2, seed: 9 }, d, { numBoostRound: 3 });
    assert.equal(train({ objective: 'reg:squarederror', seed: 2 }, d, { numBoostRound: 4 }).saveModel(), first);
  });

  it('refuses bins of another shape', () => {
    const d = new DMatrix(t.X, t.nrow, t.ncol);
    const other = new DMatrix(valid.X, valid.nrow, valid.ncol);
    assert.throws(() => d.useGradientIndex(256, other.gradientIndex(256)), /gradient index is/);
  });

  it('runs in-process with workers: 1 and continues from a JSON model', async () => {
    const [first] = await trainMany([jobs[1]], { workers: 1 });
    const [more] = await trainMany([{ ...jobs[1], xgbModel: first.modelJson, numBoostRound: 2 }], { workers: 1 });
    assert.equal(JSON.parse(more.modelJson).learner.gradient_booster.model.trees.length, 8);
  });

  it('rejects with the engine error of a failing job', async () => {
    await assert.rejects(trainMany([jobs[1], { ...jobs[1], params: { eta: 7 } }], { workers: 2 }), (e: unknown) => e instanceof ConfigError && /eta must be in/.test(e.message));
  });
});

describe('trainMany when a worker runs out of heap', () => {
  it('trains the job again on a worker without the limit, with the same model', async () => {
    const n = 3000;
    const values = new Float32Array(n * 3).map((_, i) => Math.sin(i * 0.7) * 5 + (i % 97) * 0.01);
    const label = new Float32Array(n).map((_, r) => (values[3 * r] + values[3 * r + 1] > 0 ? 1 : 0) + (values[3 * r + 2] > 2 ? 1 : 0));
    // Deep lossguide trees and many rounds: a model text of about 1.6 MB, far above a 6 MB heap's room.
    const big = { params: { objective: 'multi:softprob', num_class: 3, grow_policy: 'lossguide', max_depth: 0, max_leaves: 512, min_child_weight: 0, eta: 0.05 }, data: { values, nrow: n, ncol: 3 }, label, numBoostRound: 400 };
    const small = { ...big, numBoostRound: 1 };
    const expected = await trainMany([big, small], { workers: 1 });
    const retried: number[] = [];
    const got = await trainMany([big, small], { workers: 2, workerHeapMb: 6, onHeapRetry: (j) => retried.push(j) });
    assert.ok(retried.includes(0), `the large job ran out of heap and was trained again (retried: ${retried})`);
    assert.deepEqual(got.map((r) => r.modelJson), expected.map((r) => r.modelJson));
  });
});
