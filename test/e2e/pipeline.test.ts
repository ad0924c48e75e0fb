/**
 * End to end on real messaging: the three deployed functions (checker, collector, trainer) run
 * against the Firestore and Pub/Sub emulators — records and logs in Firestore, messages through
 * Pub/Sub topics — with an embedded folder as the bucket (there is no Cloud Storage emulator
 * offline). The collector and trainer are invoked the way the Functions runtime invokes them:
 * with the CloudEvent of each message delivered on their topic.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CloudEvent } from 'firebase-functions/v2';
import { stringify } from 'yaml';
import { closePorts, openPorts } from '../../functions/src/adapters/open.ts';
import { FolderArtifactStore } from '../../functions/src/adapters/embedded/index.ts';
import { loadConfig } from '../../functions/src/config/load.ts';
import type { RetrainingConfig } from '../../functions/src/config/schema.ts';
import { ModelRegistry } from '../../functions/src/models/registry.ts';
import { readBinding } from '../../functions/src/runs/version-binding.ts';
import type { Delivery, Ports } from '../../functions/src/ports/index.ts';
import { TransientError } from '../../functions/src/shared/errors.ts';
import { ModelTrainedSchema, RetrainRequestSchema, type ModelTrained, type RetrainRequest } from '../../functions/src/shared/messages.ts';
import { getRun, isTerminal, type RunRecord } from '../../functions/src/runs/run-record.ts';
import { seedLogs } from '../stages/pipeline/fixtures.ts';

const EMULATED = !!(process.env.FIRESTORE_EMULATOR_HOST && process.env.PUBSUB_EMULATOR_HOST);
const SKIP = EMULATED ? false : 'FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST not set: run `npm test` (it starts the emulators)';
const SLOT = '2026-03-02T02:00:00Z';

/** A CloudEvent of a Pub/Sub message, as Eventarc delivers it to a function. */
function cloudEventOf(d: Delivery, topic: string, project: string): CloudEvent<unknown> {
  return {
    specversion: '1.0',
    id: d.id,
    source: `//pubsub.googleapis.com/projects/${project}/topics/${topic}`,
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    time: d.publishedAt.toISOString(),
    data: {
      message: { data: Buffer.from(JSON.stringify(d.data)).toString('base64'), messageId: d.id, publishTime: d.publishedAt.toISOString(), attributes: {} },
      subscription: `projects/${project}/subscriptions/${topic}-e2e`,
    },
  };
}

/** The folder bucket, with a switch that makes the next write of a matching path fail once. */
function crashableBucket(root: string): { store: Ports['artifacts']; failNext(match: RegExp, err: () => Error): void } {
  const a = new FolderArtifactStore(root);
  let trap: { match: RegExp; err: () => Error } | null = null;
  const store: Ports['artifacts'] = {
    root: a.root,
    put: async (p, data, opts) => {
      if (trap && trap.match.test(p)) {
        const { err } = trap;
        trap = null;
        throw err();
      }
      return await a.put(p, data, opts);
    },
    putStream: (p, source, opts) => a.putStream(p, source, opts),
    get: (p) => a.get(p),
    getStream: (p) => a.getStream(p),
    stat: (p) => a.stat(p),
    exists: (p) => a.exists(p),
    list: (prefix) => a.list(prefix),
    delete: (p) => a.delete(p),
  };
  return { store, failNext: (match, err) => void (trap = { match, err }) };
}

/** Wait for a condition the asynchronous chain will reach (bounded, never asserted on speed). */
async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('end to end on the Firestore and Pub/Sub emulators', { skip: SKIP }, () => {
  let dir: string;
  let ports: Ports;
  let config: RetrainingConfig;
  let bucket: ReturnType<typeof crashableBucket>;
  const trained: ModelTrained[] = [];
  const requests: RetrainRequest[] = [];
  let collectorDeliveries = 0;
  const offs: Array<() => Promise<void>> = [];
  let resetFactory: () => Promise<void> = async () => {};

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retrain-e2e-'));
    // Names of this run only, so that reruns against a long-lived emulator never see old state.
    const tag = randomBytes(3).toString('hex');
    const file = path.join(dir, 'retraining.yaml');
    writeFileSync(
      file,
      stringify({
        pipeline: {
          projectId: process.env.GCLOUD_PROJECT ?? 'demo-adaptive-ui',
          topics: { retrainRequests: `retrain-requests-${tag}`, datasetReady: `dataset-ready-${tag}`, modelTrained: `model-trained-${tag}` },
          collections: { interactionLogs: `interaction_logs_${tag}`, runs: `retraining_runs_${tag}`, decisions: `trigger_decisions_${tag}` },
        },
        strategies: { full: { hyperparameterTuning: false } },
        training: { rounds: 4, maxDepth: 3, workers: 1 },
      }),
    );
    process.env.RETRAIN_CONFIG = file;
    config = loadConfig(file).config;
    const cloud = await openPorts(config, { backend: 'cloud' });
    bucket = crashableBucket(path.join(dir, 'bucket'));
    ports = { ...cloud, artifacts: bucket.store };
    await seedLogs(ports, { startDate: '2026-02-16', days: 14, users: 12 });

    // The deployed functions, imported after RETRAIN_CONFIG is set (they read it at load), on our ports.
    const runtime = await import('../../functions/src/runtime/cloud-ports.ts');
    await runtime.setPortsFactory(async () => ports);
    resetFactory = () => runtime.setPortsFactory(null);
    const { collector } = await import('../../functions/src/triggers/collector.ts');
    const { trainer } = await import('../../functions/src/triggers/trainer.ts');
    const project = config.pipeline.projectId;
    const t = config.pipeline.topics;
    offs.push(await ports.bus.subscribe(t.retrainRequests, async (d) => void requests.push(RetrainRequestSchema.parse(d.data)), { name: `observer-${tag}` }));
    offs.push(
      await ports.bus.subscribe(
        t.retrainRequests,
        async (d) => {
          await collector(cloudEventOf(d, t.retrainRequests, project));
          collectorDeliveries++;
        },
        { name: `collector-${tag}` },
      ),
    );
    offs.push(await ports.bus.subscribe(t.datasetReady, async (d) => void (await trainer(cloudEventOf(d, t.datasetReady, project))), { name: `trainer-${tag}` }));
    offs.push(await ports.bus.subscribe(t.modelTrained, async (d) => void trained.push(ModelTrainedSchema.parse(d.data)), { name: `observer-trained-${tag}` }));
  });

  after(async () => {
    for (const off of offs) await off().catch(() => {});
    await resetFactory();
    if (ports) await closePorts(ports).catch(() => {});
    delete process.env.RETRAIN_CONFIG;
    rmSync(dir, { recursive: true, force: true });
  });

  it('the checker starts a run that ends with a CSV, one complete version and a finished run record; the same request twice still yields one version', async () => {
    const { checker } = await import('../../functions/src/triggers/checker.ts');
    await checker.run({ scheduleTime: SLOT, jobName: 'firebase-schedule-checker' });
    const runId = 'run_20260302T020000Z_scheduled';
    const runs = { collection: config.pipeline.collections.runs };
    const run = await until<RunRecord>('the run to end', async () => {
      const r = await getRun(ports, runId, runs);
      return r && isTerminal(r.status) ? r : null;
    });
    assert.equal(run.status, 'succeeded', JSON.stringify(run, null, 2));
    assert.equal(run.trigger.decisionId, 'dec_20260302T020000Z_scheduled');
    assert.equal(run.stages.train?.status, 'succeeded');
    const version = run.outputs.version!;
    assert.ok(version);
    assert.ok(await ports.artifacts.exists(`datasets/${runId}/production_data.csv`));
    assert.ok(await ports.artifacts.exists(`datasets/${runId}/production_data_metadata.json`));
    const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
    assert.deepEqual(await registry.listVersions(), [version]);
    assert.equal((await registry.manifest(version)).runId, runId);
    await until('model-trained', async () => trained.length >= 1);
    assert.equal(trained[0].version, version);

    // Pub/Sub delivers the same request again (a duplicate or a publisher retry).
    assert.equal(requests.length, 1);
    const handled = collectorDeliveries;
    await ports.bus.publish(config.pipeline.topics.retrainRequests, requests[0]);
    await until('the duplicate to go through the collector', async () => collectorDeliveries > handled);
    // The run has ended: the duplicate is acknowledged without work — no dataset, no version, no message.
    assert.deepEqual(await registry.listVersions(), [version]);
    assert.equal(trained.length, 1);
    const after = (await getRun(ports, runId, runs))!;
    assert.equal(after.status, 'succeeded');
    assert.equal(after.stages.train?.attempts, 1);
  });

  it('a collector that dies between the CSV and its metadata is redelivered by Pub/Sub and ends with one version', async () => {
    const runId = 'run_20260303T120000Z_force';
    const runs = { collection: config.pipeline.collections.runs };
    const before = trained.length;
    bucket.failNext(/production_data_metadata\.json$/, () => new TransientError('instance lost after the CSV', { stage: 'collect' }));
    await ports.bus.publish(config.pipeline.topics.retrainRequests, {
      runId,
      window: { start: '2026-02-16T00:00:00Z', end: '2026-03-03T12:00:00Z' },
      reasons: ['manual'],
      strategy: 'full',
    });
    const run = await until<RunRecord>('the run to end', async () => {
      const r = await getRun(ports, runId, runs);
      return r && isTerminal(r.status) ? r : null;
    });
    assert.equal(run.status, 'succeeded', JSON.stringify(run, null, 2));
    assert.ok(await ports.artifacts.exists(`datasets/${runId}/production_data_metadata.json`));
    const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
    const mine = (await readBinding(ports.artifacts, registry.layout, runId))?.binding.version;
    assert.equal(run.outputs.version, mine);
    assert.equal((await registry.listVersions()).filter((v) => v === mine).length, 1);
    assert.equal((await registry.manifest(mine!)).runId, runId);
    await until('model-trained', async () => trained.length > before);
    assert.equal(trained.filter((m) => m.runId === runId).length, 1);
  });
});
