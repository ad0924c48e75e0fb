/**
 * Deployment end to end on the emulators: the deployer function (subscribed to `model-trained`
 * through Pub/Sub), the predict function (HTTPS, on a node:http server as the runtime serves it)
 * and the rollup and canaryWatcher functions (scheduled) against Firestore (logs, deployment records) with a
 * folder as the bucket. A candidate trained on shuffled labels goes out as a canary and is rolled
 * back by the watcher; a good one is promoted; predict serves what the serving state says.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { closePorts, openPorts } from '../../functions/src/adapters/open.ts';
import { FolderArtifactStore } from '../../functions/src/adapters/embedded/index.ts';
import { configHash, loadConfig } from '../../functions/src/config/load.ts';
import type { RetrainingConfig } from '../../functions/src/config/schema.ts';
import { ModelRegistry } from '../../functions/src/models/registry.ts';
import type { Ports } from '../../functions/src/ports/index.ts';
import { collect } from '../../functions/src/stages/collect/collect.ts';
import { artifactTarget } from '../../functions/src/stages/collect/dataset-target.ts';
import { getDeployment, listDeployments } from '../../functions/src/stages/deploy/deployment-store.ts';
import { runFullRetrain } from '../../functions/src/stages/train/full.ts';
import { seedLogs } from '../stages/pipeline/fixtures.ts';
import { shuffleLabels, simulateServedDay, trainCandidate } from '../stages/deploy/scenario.ts';
import { context } from '../serving/fixtures.ts';
import { cloudEventOf, until } from './cloud-event.ts';

const EMULATED = !!(process.env.FIRESTORE_EMULATOR_HOST && process.env.PUBSUB_EMULATOR_HOST);
const SKIP = EMULATED ? false : 'FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST not set: run `npm test` (it starts the emulators)';

describe('deployment functions on the Firestore and Pub/Sub emulators', { skip: SKIP }, () => {
  let dir: string;
  let ports: Ports;
  let config: RetrainingConfig;
  let http: Server;
  let url: string;
  let csv: string;
  let v1: string;
  const deployed = new Set<string>();
  const offs: Array<() => Promise<void>> = [];
  let resetFactory: () => Promise<void> = async () => {};
  const state = async () => (await new ModelRegistry(ports.artifacts).readServingState()).pointer;
  const trained = (runId: string, version: string) => ports.bus.publish(config.pipeline.topics.modelTrained, { runId, status: 'success', version, strategy: 'full', metrics: {} });
  const predictOnce = async (user: string) => (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user_id: user, context: context(user.length) }) })).json()) as { model_version: string; variant: string };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retrain-e2e-deploy-'));
    const tag = randomBytes(3).toString('hex');
    const file = path.join(dir, 'retraining.yaml');
    writeFileSync(
      file,
      stringify({
        pipeline: {
          projectId: process.env.GCLOUD_PROJECT ?? 'demo-adaptive-ui',
          topics: { retrainRequests: `retrain-requests-${tag}`, datasetReady: `dataset-ready-${tag}`, modelTrained: `model-trained-${tag}` },
          collections: { interactionLogs: `interaction_logs_${tag}`, runs: `retraining_runs_${tag}`, decisions: `trigger_decisions_${tag}`, deployments: `deployments_${tag}` },
        },
        strategies: { full: { hyperparameterTuning: false } },
        training: { rounds: 10, maxDepth: 4, workers: 1 },
        deployment: { autoDeploy: true, strategy: 'canary', canaryPercentage: 50, monitoringHours: 24, minCanarySessions: 200 },
        serving: { stateRefreshSeconds: 0 },
      }),
    );
    process.env.RETRAIN_CONFIG = file;
    config = loadConfig(file).config;
    const cloud = await openPorts(config, { backend: 'cloud' });
    ports = { ...cloud, artifacts: new FolderArtifactStore(path.join(dir, 'bucket')) };
    await seedLogs(ports, { startDate: '2026-02-15', days: 14, users: 80, sessionsPerDay: 3, seed: 5 });

    // v1: the first full retrain on the collected history (made current by its training, as the trainer does).
    csv = 'datasets/e2e-deploy/production_data.csv';
    await collect(ports, { window: { start: new Date('2026-02-15T00:00:00Z'), end: new Date('2026-03-01T00:00:00Z') }, minSessionDurationMs: 30_000, maxSamples: 10_000, target: artifactTarget(ports.artifacts, csv), config, configHash: configHash(config) });
    v1 = (await runFullRetrain(ports, config, { dataPath: csv, runId: 'run_e2e_v1', configHash: 'e2e' })).model_version!;

    const runtime = await import('../../functions/src/runtime/cloud-ports.ts');
    await runtime.setPortsFactory(async () => ports);
    resetFactory = () => runtime.setPortsFactory(null);
    const { deployer } = await import('../../functions/src/triggers/deployer.ts');
    const { predict } = await import('../../functions/src/triggers/predict.ts');
    const t = config.pipeline.topics;
    offs.push(
      await ports.bus.subscribe(
        t.modelTrained,
        async (d) => {
          await deployer(cloudEventOf(d, t.modelTrained, config.pipeline.projectId));
          deployed.add((d.data as { runId: string }).runId);
        },
        { name: `deployer-${tag}` },
      ),
    );
    http = createServer((req, res) => void predict(req as never, res as never));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  });

  after(async () => {
    for (const off of offs) await off().catch(() => {});
    await new Promise((r) => http?.close(r));
    await resetFactory();
    if (ports) await closePorts(ports).catch(() => {});
    delete process.env.RETRAIN_CONFIG;
    rmSync(dir, { recursive: true, force: true });
  });

  it('deployer: model-trained for the first version records its deployment; predict serves it', async () => {
    await trained('run_e2e_v1', v1);
    await until('the deployer', async () => deployed.has('run_e2e_v1'));
    const rec = await getDeployment(ports, config, 'dep_run_e2e_v1');
    assert.deepEqual([rec?.action, rec?.outcome, rec?.toVersion], ['deploy', 'applied', v1]);
    const served = await predictOnce('web-1');
    assert.deepEqual([served.model_version, served.variant], [v1, 'current']);
    const health = (await (await fetch(`${url}healthz`)).json()) as { state: { version: string } };
    assert.equal(health.state.version, v1);
  });

  it('a shuffled-label candidate goes out as a canary through the deployer and is rolled back by canaryWatcher', async () => {
    const bad = await trainCandidate({ ports, config }, 'shuffled', shuffleLabels((await ports.artifacts.get(csv)).toString('utf8'), 13));
    ports.clock = { now: () => new Date('2026-03-02T00:00:00Z') };
    await trained('run_e2e_bad', bad);
    await until('the deployer', async () => deployed.has('run_e2e_bad'));
    assert.deepEqual([(await state())?.canary?.version, (await state())?.canary?.percentage], [bad, 50]);
    const variants = new Set<string>();
    for (let u = 0; u < 40; u++) variants.add((await predictOnce(`web-user-${u}`)).variant);
    assert.deepEqual([...variants].sort(), ['canary', 'current']);

    await simulateServedDay({ ports, config }, '2026-03-02', 21);
    // The hourly rollup function runs first: the watcher reads its buckets, never the sessions.
    const { rollup } = await import('../../functions/src/triggers/rollup.ts');
    await rollup.run({ scheduleTime: '2026-03-02T12:00:00Z', jobName: 'firebase-schedule-rollup' } as never);
    const { canaryWatcher } = await import('../../functions/src/triggers/canary-watcher.ts');
    await canaryWatcher.run({ scheduleTime: '2026-03-02T12:00:00Z', jobName: 'firebase-schedule-canaryWatcher' } as never);
    assert.deepEqual([(await state())?.version, (await state())?.canary], [v1, null]);
    const rollback = (await listDeployments(ports, config)).records.find((r) => r.action === 'rollback')!;
    assert.deepEqual([rollback.fromVersion, rollback.toVersion, rollback.actor], [bad, v1, { kind: 'watcher', id: 'canaryWatcher' }]);
    assert.match(rollback.reason, /significantly worse .*: css_class_density 0\.\d+ vs 0\.\d+/);
    assert.equal((await getDeployment(ports, config, 'dep_run_e2e_bad'))?.outcome, 'rolled_back');
    for (let u = 0; u < 10; u++) assert.equal((await predictOnce(`web-user-${u}`)).model_version, v1);
  });

  it('a good candidate is promoted by canaryWatcher after monitoringHours; predict then serves it to everyone', async () => {
    const good = await trainCandidate({ ports, config }, 'good', (await ports.artifacts.get(csv)).toString('utf8'));
    ports.clock = { now: () => new Date('2026-03-03T00:00:00Z') };
    await trained('run_e2e_good', good);
    await until('the deployer', async () => deployed.has('run_e2e_good'));
    await simulateServedDay({ ports, config }, '2026-03-03', 22);
    const { rollup } = await import('../../functions/src/triggers/rollup.ts');
    await rollup.run({ scheduleTime: '2026-03-04T00:00:00Z', jobName: 'firebase-schedule-rollup' } as never);
    const { canaryWatcher } = await import('../../functions/src/triggers/canary-watcher.ts');
    await canaryWatcher.run({ scheduleTime: '2026-03-04T00:00:00Z', jobName: 'firebase-schedule-canaryWatcher' } as never);
    assert.deepEqual([(await state())?.version, (await state())?.previousVersion], [good, v1]);
    const promote = (await listDeployments(ports, config)).records.find((r) => r.action === 'promote')!;
    assert.match(promote.reason, /promoted: not significantly worse/);
    assert.equal((await getDeployment(ports, config, 'dep_run_e2e_good'))?.outcome, 'promoted');
    for (let u = 0; u < 10; u++) assert.deepEqual(Object.values(await predictOnce(`web-user-${u}`)).slice(0, 2), [good, 'current']);
  });
});
