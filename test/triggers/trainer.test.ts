/**
 * The deployed trainer function, invoked through firebase-functions-test with CloudEvents as
 * Pub/Sub delivers them, against two sets of ports: embedded (always), and the Firestore and
 * Pub/Sub emulators with a folder bucket (when `npm test` started them; no GCS emulator here).
 * The function reads its config at load: RETRAIN_CONFIG points at a small one (few rounds, no
 * search) before the trigger module is imported.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import functionsTest from 'firebase-functions-test';
import { FolderArtifactStore } from '../../functions/src/adapters/embedded/folder-artifact-store.ts';
import { closePorts, openPorts } from '../../functions/src/adapters/open.ts';
import { parseConfig } from '../../functions/src/config/load.ts';
import { ModelRegistry } from '../../functions/src/models/registry.ts';
import type { Ports } from '../../functions/src/ports/index.ts';
import { resetCloudPorts, setPortsFactory } from '../../functions/src/runtime/cloud-ports.ts';
import { resetRuntimeConfig } from '../../functions/src/runtime/config.ts';
import { makeCsv } from '../stages/train/fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'trainer-fn-'));
const configYaml = 'training:\n  rounds: 4\n  maxDepth: 3\n  workers: 1\nstrategies:\n  full:\n    hyperparameterTuning: false\nvalidation:\n  qualityChecks:\n    minSamples: 50\n';
writeFileSync(path.join(dir, 'retraining.yaml'), configYaml);
process.env.RETRAIN_CONFIG = path.join(dir, 'retraining.yaml');
resetRuntimeConfig();
const { trainer } = await import('../../functions/src/triggers/trainer.ts');
const config = parseConfig({ training: { rounds: 4, maxDepth: 3, workers: 1 }, strategies: { full: { hyperparameterTuning: false } }, validation: { qualityChecks: { minSamples: 50 } } });

const fft = functionsTest({ projectId: 'demo-adaptive-ui' });
after(async () => {
  await resetCloudPorts();
  fft.cleanup();
  rmSync(dir, { recursive: true, force: true });
});
const wrapped = fft.wrap(trainer);

/** Record what the ports publish, forwarding to the real bus. */
function recordPublishes(ports: Ports): Array<{ topic: string; data: any }> {
  const published: Array<{ topic: string; data: any }> = [];
  const publish = ports.bus.publish.bind(ports.bus);
  ports.bus.publish = async (topic, data) => {
    published.push({ topic, data });
    return publish(topic, data);
  };
  return published;
}

function behaves(setup: () => Promise<Ports>, tag: string) {
  let ports: Ports;
  let published: Array<{ topic: string; data: any }>;
  const runId = `run_20261127T080000Z_${tag}_${process.pid}`;
  const csvPath = `datasets/${runId}/production_data.csv`;
  const ready = { runId, strategy: 'auto', csvPath, metadataPath: `datasets/${runId}/production_data_metadata.json`, rows: 250, verdict: 'proceed', reasons: [] };
  before(async () => {
    ports = await setup();
    published = recordPublishes(ports);
    await ports.artifacts.put(csvPath, makeCsv({ rows: 250, seed: 1 }));
    await ports.artifacts.put(ready.metadataPath, '{}');
    await setPortsFactory(async () => ports);
  });

  it('is subscribed to dataset-ready, retries, and is sized for training', () => {
    const endpoint = (trainer as unknown as { __endpoint: { eventTrigger: { eventFilters: { topic: string }; retry: boolean }; availableMemoryMb: number; timeoutSeconds: number } }).__endpoint;
    assert.match(endpoint.eventTrigger.eventFilters.topic, /dataset-ready$/);
    assert.equal(endpoint.eventTrigger.retry, true);
    assert.ok(endpoint.availableMemoryMb >= 1024);
    assert.ok(endpoint.timeoutSeconds >= 300);
  });

  it('trains one version per run and publishes model-trained, even when redelivered', async () => {
    const first = await wrapped({ data: { message: { json: ready, messageId: 'm1' } } });
    assert.equal(first.status, 'published');
    const again = await wrapped({ data: { message: { json: ready, messageId: 'm1' } } });
    assert.equal(again.status, 'republished');
    const mine = published.filter((p) => p.data.runId === runId);
    assert.equal(mine.length, 2);
    assert.equal(mine[0].topic, 'model-trained');
    assert.deepEqual(mine[1].data, mine[0].data);
    assert.equal(mine[0].data.status, 'success');
    const versions = await new ModelRegistry(ports.artifacts, 'models').listVersions();
    assert.deepEqual(versions, [mine[0].data.version]);
  });

  it('acknowledges a message that is not a dataset-ready message, publishing nothing', async () => {
    const before = published.length;
    const bad = await wrapped({ data: { message: { data: Buffer.from('not json').toString('base64') } } });
    assert.equal(bad.status, 'rejected');
    assert.equal(published.length, before);
  });
}

describe('trainer function (embedded ports)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'trainer-emb-'));
  let opened: Ports;
  after(async () => {
    await setPortsFactory(null);
    await closePorts(opened);
    rmSync(root, { recursive: true, force: true });
  });
  behaves(async () => (opened = await openPorts(config, { backend: 'embedded', root })), 'emb');
});

const emulators = !!(process.env.FIRESTORE_EMULATOR_HOST && process.env.PUBSUB_EMULATOR_HOST);
let cloud: Ports | null = null;
let skip: string | false = emulators ? false : 'emulators not running (start them with `npm test`)';
if (emulators) {
  try {
    cloud = await openPorts(config, { backend: 'cloud' });
  } catch (err) {
    skip = `cloud adapters not available: ${(err as Error).message}`;
  }
}
describe('trainer function (Firestore + Pub/Sub emulators, folder bucket)', { skip }, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'trainer-emu-'));
  after(async () => {
    await setPortsFactory(null);
    if (cloud) await closePorts(cloud);
    rmSync(root, { recursive: true, force: true });
  });
  behaves(async () => ({ ...cloud!, artifacts: new FolderArtifactStore(path.join(root, 'bucket')) }), 'emu');
});
