import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { getRun } from '../../../functions/src/runs/run-record.ts';
import { trainStep } from '../../../functions/src/stages/pipeline/train-step.ts';
import { openTestEnv, type TestEnv } from './fixtures.ts';

describe('train step', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv('2026-03-02T02:00:00Z');
  });
  afterEach(() => env.close());

  it('a dataset with verdict abort fails the run before any training, and a redelivery changes nothing', async () => {
    const runId = 'run_20260302T020000Z_abort';
    const message = {
      runId,
      strategy: 'full',
      csvPath: `datasets/${runId}/production_data.csv`,
      metadataPath: `datasets/${runId}/production_data_metadata.json`,
      rows: 12,
      verdict: 'abort',
      reasons: ['only 12 rows, fewer than minSamples 100'],
    };
    await trainStep(env.ports, env.config, message);
    await trainStep(env.ports, env.config, message);
    const run = (await getRun(env.ports, runId))!;
    assert.equal(run.status, 'failed');
    assert.equal(run.error?.code, 'VALIDATION_ABORT');
    assert.match(run.error?.message ?? '', /fewer than minSamples 100/);
    assert.equal(run.stages.validate?.status, 'failed');
    assert.equal(run.stages.validate?.attempts, 1);
    assert.equal(run.stages.train, undefined);
    assert.deepEqual(await env.ports.artifacts.list('models/'), []);
  });
});
