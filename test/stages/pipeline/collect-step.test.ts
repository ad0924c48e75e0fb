import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { TransientError } from '../../../functions/src/shared/errors.ts';
import { DatasetReadySchema, type RetrainRequestInput } from '../../../functions/src/shared/messages.ts';
import { datasetPaths } from '../../../functions/src/stages/collect/handle-retrain-request.ts';
import { collectStep, type CollectHandler } from '../../../functions/src/stages/pipeline/collect-step.ts';
import { getRun } from '../../../functions/src/runs/run-record.ts';
import { openTestEnv, seedLogs, type TestEnv } from './fixtures.ts';

const NOW = '2026-03-02T02:00:00Z';

function request(runId: string): RetrainRequestInput {
  return { runId, window: { start: '2026-02-16T00:00:00Z', end: NOW }, reasons: ['manual'], strategy: 'full' };
}

/** Collect `dataset-ready` messages as the trainer would receive them. */
async function captureReady(env: TestEnv): Promise<unknown[]> {
  const seen: unknown[] = [];
  await env.ports.bus.subscribe(env.config.pipeline.topics.datasetReady, async (d) => void seen.push(d.data));
  return seen;
}

describe('collect step', () => {
  let env: TestEnv;
  afterEach(() => env.close());

  it('collects once, records collect and validate; a duplicate request re-announces the same dataset without rewriting it', async () => {
    env = await openTestEnv(NOW);
    await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
    const ready = await captureReady(env);
    const first = await collectStep(env.ports, env.config, request('run_c1'));
    const second = await collectStep(env.ports, env.config, request('run_c1'));
    await env.ports.bus.drain!();
    assert.equal(first?.kind, 'completed');
    assert.equal(second?.kind, 'already_completed');
    assert.equal(ready.length, 2);
    assert.deepEqual(ready[1], ready[0]);
    const msg = DatasetReadySchema.parse(ready[0]);
    const run = (await getRun(env.ports, 'run_c1'))!;
    assert.equal(run.status, 'running');
    assert.equal(run.stages.collect?.status, 'succeeded');
    assert.equal(run.stages.collect?.attempts, 1);
    assert.equal(run.stages.validate?.status, 'succeeded');
    assert.equal(run.outputs.csvPath, datasetPaths(env.config, 'run_c1').csvPath);
    assert.equal(run.outputs.rows, msg.rows);
    assert.ok(msg.rows > 100);
    assert.equal(run.outputs.verdict, msg.verdict);
    assert.ok(await env.ports.artifacts.exists(msg.metadataPath));
  });

  it('a crash after writing the CSV (permanent) fails the run and removes the CSV', async () => {
    env = await openTestEnv(NOW);
    const crashing: CollectHandler = async (ports, config, message) => {
      const { csvPath } = datasetPaths(config, (message as { runId: string }).runId);
      await ports.artifacts.put(csvPath, 'session_id,feature\nx,1\n');
      throw new Error('worker crashed before the metadata');
    };
    const out = await collectStep(env.ports, env.config, request('run_c2'), { handler: crashing });
    assert.equal(out?.kind, 'failed');
    const run = (await getRun(env.ports, 'run_c2'))!;
    assert.equal(run.status, 'failed');
    assert.equal(run.stages.collect?.status, 'failed');
    assert.match(run.error?.message ?? '', /crashed before the metadata/);
    assert.deepEqual(await env.ports.artifacts.list('datasets/run_c2/'), []);
  });

  it('a crash after writing the CSV (transient) is retried and completes with one dataset', async () => {
    env = await openTestEnv(NOW);
    await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
    const ready = await captureReady(env);
    const crashing: CollectHandler = async (ports, config, message) => {
      const { csvPath } = datasetPaths(config, (message as { runId: string }).runId);
      await ports.artifacts.put(csvPath, 'half,a,csv\n');
      throw new TransientError('instance lost', { stage: 'collect' });
    };
    await assert.rejects(collectStep(env.ports, env.config, request('run_c3'), { handler: crashing }), TransientError);
    const mid = (await getRun(env.ports, 'run_c3'))!;
    assert.equal(mid.stages.collect?.status, 'retrying');
    // Pub/Sub redelivers the same message to the real handler.
    const out = await collectStep(env.ports, env.config, request('run_c3'));
    await env.ports.bus.drain!();
    assert.equal(out?.kind, 'completed');
    const run = (await getRun(env.ports, 'run_c3'))!;
    assert.equal(run.stages.collect?.attempts, 2);
    assert.equal(run.stages.collect?.status, 'succeeded');
    const files = (await env.ports.artifacts.list('datasets/run_c3/')).map((o) => o.path.split('/').pop());
    assert.deepEqual(files, ['production_data.csv', 'production_data_metadata.json', 'production_data_validation.json']);
    const csv = (await env.ports.artifacts.get('datasets/run_c3/production_data.csv')).toString('utf8');
    assert.ok(!csv.startsWith('half'));
    assert.equal(ready.length, 1);
  });

  it('a dataset that fails validation ends the run failed, not retried', async () => {
    env = await openTestEnv(NOW, { validation: { qualityChecks: { minSamples: 100_000, warnSamples: 200_000 } } });
    await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
    const out = await collectStep(env.ports, env.config, request('run_c4'));
    assert.equal(out?.kind, 'completed');
    const run = (await getRun(env.ports, 'run_c4'))!;
    assert.equal(run.status, 'failed');
    assert.equal(run.stages.validate?.status, 'failed');
    assert.equal(run.error?.code, 'VALIDATION_ABORT');
    assert.equal(run.outputs.verdict, 'abort');
    // A redelivery of the request is acknowledged without work.
    const again = await collectStep(env.ports, env.config, request('run_c4'));
    assert.equal(again?.kind, 'run_ended');
  });

  it('an invalid message is acknowledged without a run', async () => {
    env = await openTestEnv(NOW);
    const out = await collectStep(env.ports, env.config, { runId: 'run_c5', window: 'last week' });
    assert.equal(out, null);
    assert.equal(await getRun(env.ports, 'run_c5'), null);
  });
});
