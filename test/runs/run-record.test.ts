import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DataError } from '../../functions/src/shared/errors.ts';
import { ensureRun, finishRun, getRun, markStage, RunRecordSchema } from '../../functions/src/runs/run-record.ts';
import { openTestEnv, type TestEnv } from '../stages/pipeline/fixtures.ts';

describe('run records', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv('2026-03-02T02:00:00Z');
  });
  afterEach(() => env.close());

  it('a stage records attempts, timings and outputs; a message published by hand still gets a record', async () => {
    const { ports } = env;
    await markStage(ports, 'run_a', 'collect', 'running');
    env.clock.advance(1500);
    const run = await markStage(ports, 'run_a', 'collect', 'succeeded', { outputs: { csvPath: 'datasets/run_a/production_data.csv', rows: 42 }, counts: { rows: 42 } });
    assert.equal(run.status, 'running');
    assert.equal(run.stages.collect?.status, 'succeeded');
    assert.equal(run.stages.collect?.attempts, 1);
    assert.equal(run.stages.collect?.durationMs, 1500);
    assert.deepEqual(run.stages.collect?.details, { counts: { rows: 42 } });
    assert.equal(run.outputs.rows, 42);
    const stored = await getRun(ports, 'run_a');
    assert.deepEqual(stored, RunRecordSchema.parse(run));
  });

  it('a permanent failure fails the run with its reason; the first ending stays', async () => {
    const { ports } = env;
    await ensureRun(ports, 'run_b', { mode: 'force' });
    await markStage(ports, 'run_b', 'train', 'running');
    const failed = await markStage(ports, 'run_b', 'train', 'failed', { error: new DataError('verdict abort', { stage: 'validate', code: 'VALIDATION_ABORT' }) });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'VALIDATION_ABORT');
    assert.equal(failed.stages.train?.error?.message, 'verdict abort');
    const after = await finishRun(ports, 'run_b', 'succeeded', { outputs: { version: 'v_x' } });
    assert.equal(after.status, 'failed');
    assert.equal(after.outputs.version, undefined);
  });

  it('concurrent updates of one run are all kept (revision preconditions)', async () => {
    const { ports } = env;
    await ensureRun(ports, 'run_c');
    await Promise.all([
      markStage(ports, 'run_c', 'collect', 'succeeded', { outputs: { rows: 1 } }),
      markStage(ports, 'run_c', 'validate', 'succeeded', { outputs: { verdict: 'proceed' } }),
      markStage(ports, 'run_c', 'train', 'running'),
    ]);
    const run = (await getRun(ports, 'run_c'))!;
    assert.deepEqual(Object.keys(run.stages).sort(), ['collect', 'train', 'validate']);
    assert.equal(run.outputs.rows, 1);
    assert.equal(run.outputs.verdict, 'proceed');
  });

  it('ensureRun creates once', async () => {
    const { ports } = env;
    const a = await ensureRun(ports, 'run_d', { mode: 'scheduled' });
    const b = await ensureRun(ports, 'run_d', { mode: 'force' });
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.run.mode, 'scheduled');
  });
});
