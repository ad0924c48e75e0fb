/**
 * Prediction across worker threads equals `Booster.predict` in-process bit for bit, on every
 * golden XGBoost model (multi-class groups, base_score, lossguide trees, missing values), for any
 * split of the rows — fewer rows than workers, one row, none — and a worker's error surfaces.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { Booster } from '../../functions/src/engine/booster.ts';
import { DMatrix } from '../../functions/src/engine/data/dmatrix.ts';
import { predictMany, predictOnWorkers } from '../../functions/src/engine/predict-many.ts';
import { closePredictPool } from '../../functions/src/engine/predict-pool.ts';
import type { ForestTask } from '../../functions/src/engine/predict-rows.ts';
import { DataError } from '../../functions/src/shared/errors.ts';
import { caseMatrix, cases, modelText } from './fixtures.ts';

after(closePredictPool);

function assertSame(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) assert.ok(Object.is(actual[i], expected[i]), `${what}: [${i}] ${actual[i]} vs ${expected[i]}`);
}

function taskOf(b: Booster, outputMargin = false): ForestTask {
  return { forest: b.flatForest(), t0: 0, t1: b.trees.length, groups: b.numGroups, baseMargin: b.baseMargin(), transform: outputMargin ? null : b.params };
}

const boosters = cases.map((c) => Booster.loadModel(modelText(c.name)));
const matrices = cases.map(caseMatrix);

describe('predictMany', () => {
  it('equals Booster.predict on every golden model, with workers and in-process', async () => {
    // Every golden case's data has the same five features, so all models predict one matrix.
    const d = matrices[0];
    const here = boosters.map((b) => b.predict(d));
    for (const workers of [1, 2, 3]) {
      const there = await predictMany(boosters, d, { workers, parallelFrom: 0 });
      cases.forEach((c, i) => assertSame(there[i], here[i], `${c.name}, ${workers} workers`));
    }
  });

  it('passes outputMargin and iterationRange through', async () => {
    const d = matrices[0];
    for (const opts of [{ outputMargin: true }, { iterationRange: [1, 3] as [number, number] }, { outputMargin: true, iterationRange: [0, 2] as [number, number] }]) {
      const there = await predictMany(boosters, d, { ...opts, workers: 2, parallelFrom: 0 });
      cases.forEach((c, i) => assertSame(there[i], boosters[i].predict(d, opts), `${c.name} ${JSON.stringify(opts)}`));
    }
  });

  it('splits any row count into contiguous chunks: fewer rows than workers, one row, none', async () => {
    const softprob = boosters[cases.findIndex((c) => c.name === 'softprob')];
    const big = matrices[cases.findIndex((c) => c.dataset === 'big')];
    for (const nrow of [0, 1, 2, 3, 5, 17]) {
      const d = new DMatrix(big.data.subarray(0, nrow * big.ncol), nrow, big.ncol);
      const expected = [softprob.predict(d), softprob.predict(d, { outputMargin: true })];
      for (const workers of [1, 4]) {
        const there = await predictOnWorkers([taskOf(softprob), taskOf(softprob, true)], d.data, nrow, d.ncol, workers);
        assertSame(there[0], expected[0], `${nrow} rows on ${workers} workers`);
        assertSame(there[1], expected[1], `${nrow} rows on ${workers} workers, margins`);
      }
    }
  });

  it('refuses data of another width and rounds outside the model before any worker starts', async () => {
    const d = new DMatrix(new Float32Array(6), 2, 3);
    await assert.rejects(predictMany([boosters[0]], d, { workers: 2, parallelFrom: 0 }), { code: 'FEATURE_MISMATCH' });
    await assert.rejects(predictMany([boosters[0]], matrices[0], { workers: 2, parallelFrom: 0, iterationRange: [0, 99] }), { code: 'BAD_RANGE' });
  });

  it('surfaces an error thrown on a worker, and the pool keeps working after it', async () => {
    const b = boosters[0];
    const d = matrices[0];
    const broken: ForestTask = { ...taskOf(b), transform: { ...b.params, objective: 'reg:nonexistent' as typeof b.params.objective } };
    await assert.rejects(predictOnWorkers([taskOf(b), broken], d.data, d.nrow, d.ncol, 2), (err: unknown) => {
      assert.ok(err instanceof DataError);
      assert.equal(err.code, 'PREDICT_WORKER_FAILED');
      assert.match(err.message, /prediction on a worker failed: objective must be one of .*"reg:nonexistent"/);
      return true;
    });
    const [again] = await predictOnWorkers([taskOf(b)], d.data, d.nrow, d.ncol, 2);
    assertSame(again, b.predict(d), 'after the error');
  });

  it('leaves no worker that keeps the process from exiting', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'predict-many-'));
    const root = pathToFileURL(path.resolve(import.meta.dirname, '..', '..')).href;
    const script = path.join(dir, 'predict.ts');
    writeFileSync(
      script,
      `import { Booster } from '${root}/functions/src/engine/booster.ts';
      import { predictMany } from '${root}/functions/src/engine/predict-many.ts';
      import { caseMatrix, cases, modelText } from '${root}/test/engine/fixtures.ts';
      const out = await predictMany([Booster.loadModel(modelText(cases[0].name))], caseMatrix(cases[0]), { workers: 2, parallelFrom: 0 });
      console.log('predicted', out[0].length);
      // Fires only while something else keeps the process alive (idle workers end after 5 s).
      setTimeout(() => process.exit(3), 1000).unref();`,
    );
    try {
      const res = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
      assert.notEqual(res.status, 3, 'an idle worker kept the process alive');
      assert.equal(res.status, 0, res.stderr);
      assert.match(res.stdout, /predicted \d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
