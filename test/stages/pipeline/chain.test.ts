import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { RetrainingConfigInput } from '../../../functions/src/config/schema.ts';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import type { Ports } from '../../../functions/src/ports/index.ts';
import { TransientError } from '../../../functions/src/shared/errors.ts';
import { runChain, subscribeSteps } from '../../../functions/src/stages/pipeline/chain.ts';
import { getRun } from '../../../functions/src/runs/run-record.ts';
import { defaultSteps } from '../../../functions/src/stages/pipeline/steps.ts';
import { createLogger, silentSink } from '../../../functions/src/shared/logger.ts';
import { openTestEnv, seedLogs, type TestEnv } from './fixtures.ts';

const NOW = '2026-03-02T02:00:00Z';
/** Small and quick: no search, a few shallow rounds. */
export const QUICK: RetrainingConfigInput = {
  strategies: { full: { hyperparameterTuning: false } },
  training: { rounds: 4, maxDepth: 3, workers: 1 },
};

async function versions(env: TestEnv): Promise<string[]> {
  return await new ModelRegistry(env.ports.artifacts, env.config.pipeline.layout.modelsPrefix).listVersions();
}

/** Artefact-store writes of `match` fail once with `fail()`: an instance dying mid-write. */
function failingOnce(ports: Ports, match: RegExp, fail: () => Error): Ports {
  let armed = true;
  const a = ports.artifacts;
  const artifacts: Ports['artifacts'] = {
    root: a.root,
    put: async (path, data, opts) => {
      if (armed && match.test(path)) {
        armed = false;
        throw fail();
      }
      return await a.put(path, data, opts);
    },
    putStream: (path, source, opts) => a.putStream(path, source, opts),
    get: (path) => a.get(path),
    getStream: (path) => a.getStream(path),
    stat: (path) => a.stat(path),
    exists: (path) => a.exists(path),
    list: (prefix) => a.list(prefix),
    delete: (path) => a.delete(path),
  };
  return { ...ports, artifacts };
}

describe('the chain on the embedded backend', () => {
  let env: TestEnv;
  afterEach(() => env.close());

  it('force: check → collect → validate → train, one version; the same request again changes nothing', async () => {
    env = await openTestEnv(NOW, QUICK);
    await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
    const { result, run } = await runChain(env.ports, env.config, { mode: 'force', steps: defaultSteps });
    assert.equal(result.status, 'success', JSON.stringify(result, null, 2));
    assert.equal(run?.status, 'succeeded');
    assert.deepEqual(Object.keys(run!.stages).sort(), ['check', 'collect', 'train', 'validate']);
    assert.ok(Object.values(run!.stages).every((s) => s.status === 'succeeded' && s.attempts === 1));
    assert.equal(result.model_version, run?.outputs.version);
    assert.deepEqual(await versions(env), [run!.outputs.version]);
    for (const key of ['status', 'stages', 'model_version', 'start_time', 'end_time', 'duration_minutes']) assert.ok(key in result, key);
    // Stage 6 (validation) and stage 7 (deployment, skipped while deployment.autoDeploy is off, the default).
    assert.deepEqual(Object.keys(result.stages), ['check', 'data_collection', 'data_validation', 'strategy', 'retraining', 'validation', 'deployment']);
    assert.equal((result.stages.validation as { performance_acceptable: boolean }).performance_acceptable, true);
    assert.deepEqual(result.stages.deployment, { status: 'skipped', reason: 'auto-deployment disabled' });

    // A duplicated retrain request (Pub/Sub delivers at least once): no second version, no new attempt.
    const decision = (await env.ports.records.get('trigger_decisions', run!.trigger.decisionId!))!.data as { request: unknown };
    const off = await subscribeSteps(env.ports, env.config, defaultSteps, createLogger(silentSink));
    await env.ports.bus.publish(env.config.pipeline.topics.retrainRequests, decision.request);
    await env.ports.bus.drain!();
    await off();
    assert.deepEqual(await versions(env), [run!.outputs.version]);
    const after = await getRun(env.ports, run!.runId);
    assert.equal(after?.status, 'succeeded');
    assert.equal(after?.stages.collect?.attempts, 1);
    assert.equal(after?.stages.train?.attempts, 1);
  });

  it('with deployment.autoDeploy the chain deploys the trained version itself (stage 7), once even when model-trained is redelivered', async () => {
    env = await openTestEnv(NOW, { ...QUICK, deployment: { autoDeploy: true, strategy: 'immediate' } });
    await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
    const { result, run } = await runChain(env.ports, env.config, { mode: 'force', steps: defaultSteps });
    assert.equal(result.status, 'success', JSON.stringify(result, null, 2));
    const dep = result.stages.deployment as Record<string, unknown>;
    assert.deepEqual([dep.status, dep.deployment_id, dep.to_version], ['applied', `dep_${run!.runId}`, run!.outputs.version]);
    const state = await new ModelRegistry(env.ports.artifacts).readServingState();
    assert.equal(state.pointer?.deploymentId, `dep_${run!.runId}`);

    // Pub/Sub delivers model-trained again: the run's deployment is found, nothing is deployed twice.
    const trained = { runId: run!.runId, status: 'success', version: run!.outputs.version, strategy: 'full', metrics: {} };
    const off = await subscribeSteps(env.ports, env.config, defaultSteps, createLogger(silentSink));
    await env.ports.bus.publish(env.config.pipeline.topics.modelTrained, trained);
    await env.ports.bus.drain!();
    await off();
    assert.equal((await env.ports.records.list(env.config.pipeline.collections.deployments)).length, 1);
    assert.equal((await new ModelRegistry(env.ports.artifacts).readServingState()).generation, state.generation);
  });

  it('rerunning the slot of a run that ended undeployed (its process died with model-trained) deploys it', async () => {
    env = await openTestEnv(NOW, { ...QUICK, deployment: { autoDeploy: true, strategy: 'immediate' } });
    await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
    const at = new Date(NOW);
    // No deployer listening: the message is lost, as with the embedded bus of a process that died.
    const first = await runChain(env.ports, env.config, { mode: 'force', at, steps: { ...defaultSteps, modelTrained: undefined } });
    assert.equal(first.run?.status, 'succeeded');
    assert.equal((first.result.stages.deployment as { status: string }).status, 'pending');
    const again = await runChain(env.ports, env.config, { mode: 'force', at, steps: defaultSteps });
    const dep = again.result.stages.deployment as Record<string, unknown>;
    assert.deepEqual([again.result.status, dep.status, dep.deployment_id], ['success', 'applied', `dep_${first.run!.runId}`]);
    assert.equal((await getRun(env.ports, first.run!.runId))?.stages.train?.attempts, 1);
  });

  it('a week later the scheduled run updates the serving model incrementally', async () => {
    env = await openTestEnv('2026-02-23T02:00:00Z', QUICK);
    await seedLogs(env.ports, { startDate: '2026-02-09', days: 21 });
    const first = await runChain(env.ports, env.config, { mode: 'scheduled', steps: defaultSteps });
    assert.equal(first.result.status, 'success', JSON.stringify(first.result, null, 2));
    const served = first.run!.outputs.version!;
    env.clock.set('2026-03-02T02:00:00Z');
    const { result, run } = await runChain(env.ports, env.config, { mode: 'scheduled', steps: defaultSteps });
    const check = result.stages.check as { triggers: { time_based: { triggered: boolean; source: string }; data_volume: { triggered: boolean } }; strategy: string; strategy_reason: string };
    assert.equal(check.triggers.time_based.triggered, true);
    // The original rules: incremental needs data_volume within 14 days; time alone leaves the choice to the trainer.
    assert.equal(check.strategy, check.triggers.data_volume.triggered ? 'incremental' : 'auto', check.strategy_reason);
    assert.equal(run?.runId, 'run_20260302T020000Z_scheduled');
    assert.ok(run && ['succeeded', 'skipped'].includes(run.status), JSON.stringify(run, null, 2));
    assert.equal(run?.outputs.strategy, 'incremental');
    // The request read the week since the last training, not the whole retention period.
    assert.equal(run?.window?.start, '2026-02-23T02:00:00.000Z');
    const all = await versions(env);
    assert.equal(all[0], served);
    assert.ok(all.length <= 2);
  });

  it('a crash while writing the version (transient) is redelivered and ends with one complete version', async () => {
    env = await openTestEnv(NOW, QUICK);
    await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
    const ports = failingOnce(env.ports, /^models\/v_[^/]+\/manifest\.json$/, () => new TransientError('instance lost before the manifest', { stage: 'storage' }));
    const { result, run } = await runChain(ports, env.config, { mode: 'force', steps: defaultSteps });
    assert.equal(result.status, 'success', JSON.stringify(result, null, 2));
    assert.equal(run?.stages.train?.attempts, 2);
    assert.deepEqual(await versions(env), [run!.outputs.version]);
    assert.ok(await env.ports.artifacts.exists(`models/${run!.outputs.version}/manifest.json`));
  });

  it('a crash while writing the version (permanent) fails the run and leaves no half-written version', async () => {
    env = await openTestEnv(NOW, QUICK);
    await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
    const ports = failingOnce(env.ports, /^models\/v_[^/]+\/manifest\.json$/, () => new Error('disk full'));
    const { result, run } = await runChain(ports, env.config, { mode: 'force', steps: defaultSteps });
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /disk full/);
    assert.equal(run?.status, 'failed');
    assert.equal(run?.stages.train?.status, 'failed');
    assert.deepEqual(await versions(env), []);
    const leftovers = (await env.ports.artifacts.list('models/v_')).map((o) => o.path);
    assert.deepEqual(leftovers, []);
  });

  it('a bad CSV fails the run for good: no retry, no version', async () => {
    env = await openTestEnv(NOW, QUICK);
    const runId = 'run_20260302T020000Z_badcsv';
    const csvPath = `datasets/${runId}/production_data.csv`;
    const metadataPath = `datasets/${runId}/production_data_metadata.json`;
    await env.ports.artifacts.put(csvPath, 'this is,not\nthe,dataset,you want\n');
    await env.ports.artifacts.put(metadataPath, '{}');
    const off = await subscribeSteps(env.ports, env.config, defaultSteps, createLogger(silentSink));
    await env.ports.bus.publish(env.config.pipeline.topics.datasetReady, { runId, strategy: 'full', csvPath, metadataPath, rows: 2, verdict: 'proceed', reasons: [] });
    await env.ports.bus.drain!();
    await off();
    const run = await getRun(env.ports, runId);
    assert.equal(run?.status, 'failed');
    assert.equal(run?.stages.train?.status, 'failed');
    assert.equal(run?.stages.train?.attempts, 1);
    assert.equal(run?.error?.transient, false);
    assert.equal(run?.error?.code, 'CSV_INVALID');
    assert.deepEqual(await versions(env), []);
  });

  it('scheduled with nothing to do is skipped; a dry run writes nothing', async () => {
    env = await openTestEnv(NOW, { ...QUICK, triggers: { timeBased: { enabled: false } } });
    const skipped = await runChain(env.ports, env.config, { mode: 'scheduled', steps: defaultSteps });
    assert.equal(skipped.result.status, 'skipped');
    assert.equal(skipped.result.reason, 'No retraining triggers activated');
    const dry = await runChain(env.ports, env.config, { mode: 'force', dryRun: true, steps: defaultSteps });
    assert.equal(dry.result.status, 'dry_run');
    assert.equal((dry.result.would_publish as { strategy: string }).strategy, 'full');
    assert.equal((await env.ports.records.list('retraining_runs')).length, 0);
    assert.equal((await env.ports.records.list('trigger_decisions')).length, 1);
  });
});
