/**
 * The deployed collector function, invoked through firebase-functions-test with CloudEvents as
 * Pub/Sub delivers them. Two sets of ports:
 * - embedded (always): SQLite logs and records, folder bucket, in-process bus;
 * - emulators (when `npm test` started them): Firestore logs and records and Pub/Sub from the
 *   cloud adapters, with an embedded folder store in place of Cloud Storage, which has no
 *   emulator here (the factory of runtime/cloud-ports.ts is replaced for that).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import functionsTest from 'firebase-functions-test';
import { FolderArtifactStore } from '../../functions/src/adapters/embedded/folder-artifact-store.ts';
import { closePorts, openPorts } from '../../functions/src/adapters/open.ts';
import { parseConfig } from '../../functions/src/config/load.ts';
import type { Ports } from '../../functions/src/ports/index.ts';
import { resetCloudPorts, setPortsFactory } from '../../functions/src/runtime/cloud-ports.ts';
import { TransientError } from '../../functions/src/shared/errors.ts';
import { getRun } from '../../functions/src/runs/run-record.ts';
import { collector } from '../../functions/src/triggers/collector.ts';
import { validLog } from '../stages/collect/fixtures.ts';
import { embeddedHarness } from '../stages/collect/harness.ts';

const fft = functionsTest({ projectId: 'demo-adaptive-ui' });
after(async () => {
  await resetCloudPorts();
  fft.cleanup();
});

const wrapped = fft.wrap(collector);
const runId = (tag: string) => `run_20261127T020000Z_${tag}_${process.pid}`;
const request = (id: string) => ({ runId: id, window: { start: '2026-11-20T00:00:00.000Z', end: '2026-11-27T00:00:00.000Z' }, reasons: ['manual'], strategy: 'full' });
const logs = (tag: string) => Array.from({ length: 5 }, (_, i) => validLog(`${tag}-s${i}`, `2026-11-2${i}T12:00:00.000Z`));

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

/** The same checks against whichever ports the function got. */
function behaves(setup: () => Promise<{ ports: Ports; published: Array<{ topic: string; data: any }> }>, tag: string) {
  let ports: Ports;
  let published: Array<{ topic: string; data: any }>;
  before(async () => {
    ({ ports, published } = await setup());
    await ports.logs.append(logs(tag));
    await setPortsFactory(async () => ports);
  });

  it('collects a dataset, publishes dataset-ready and records the verdict; a redelivery of the ended run writes nothing', async () => {
    const id = runId(`${tag}a`);
    const first = await wrapped({ data: { message: { json: request(id), messageId: 'm1' } } });
    assert.equal(first.kind, 'completed');
    assert.equal(first.run.stages.collect.status, 'succeeded');
    // Five rows are far below validation.qualityChecks.minSamples: the verdict aborts the run.
    const run = await getRun(ports, id);
    assert.equal(run?.status, 'failed');
    assert.equal(run?.stages.validate?.status, 'failed');
    const again = await wrapped({ data: { message: { json: request(id), messageId: 'm1' } } });
    assert.equal(again.kind, 'run_ended');
    const mine = published.filter((p) => p.data.runId === id);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].data.verdict, 'abort');
    assert.equal(mine[0].topic, 'dataset-ready');
    assert.equal(mine[0].data.csvPath, `datasets/${id}/production_data.csv`);
    assert.equal(mine[0].data.rows, 5);
    assert.equal((await ports.artifacts.list(`datasets/${id}/`)).length, 3);
  });

  it('acknowledges a message that is not JSON, or not a retrain request, without output', async () => {
    const before = published.length;
    const notJson = await wrapped({ data: { message: { data: Buffer.from('not json').toString('base64') } } });
    assert.equal(notJson, null);
    const wrong = await wrapped({ data: { message: { json: { runId: '../x', window: {} } } } });
    assert.equal(wrong, null);
    assert.equal(published.length, before);
  });

  it('throws a transient error so that Pub/Sub retries', async () => {
    const id = runId(`${tag}b`);
    const real = ports.logs.pages.bind(ports.logs);
    ports.logs.pages = async function* () {
      throw new TransientError('unavailable', { stage: 'storage' });
    };
    try {
      await assert.rejects(wrapped({ data: { message: { json: request(id) } } }), TransientError);
    } finally {
      ports.logs.pages = real;
    }
    assert.equal(await ports.artifacts.exists(`datasets/${id}/production_data_metadata.json`), false);
    const retried = await wrapped({ data: { message: { json: request(id) } } });
    assert.equal(retried.kind, 'completed');
  });
}

describe('collector function (embedded ports)', () => {
  let close: () => Promise<void>;
  after(async () => {
    await setPortsFactory(null);
    await close();
  });
  behaves(async () => {
    const h = await embeddedHarness();
    close = h.close;
    return { ports: h.ports, published: h.published };
  }, 'emb');
});

const emulators = !!(process.env.FIRESTORE_EMULATOR_HOST && process.env.PUBSUB_EMULATOR_HOST);
let cloud: Ports | null = null;
let cloudSkip: string | false = emulators ? false : 'emulators not running (start them with `npm test`)';
if (!cloudSkip) {
  try {
    cloud = await openPorts(parseConfig({}), { backend: 'cloud' });
  } catch (err) {
    cloudSkip = `cloud adapters not available: ${(err as Error).message}`;
  }
}

describe('collector function (Firestore + Pub/Sub emulators, folder bucket)', { skip: cloudSkip }, () => {
  let root: string;
  after(async () => {
    await setPortsFactory(null);
    if (cloud) await closePorts(cloud);
    if (root) await rm(root, { recursive: true, force: true });
  });
  behaves(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'collector-emu-'));
    const ports: Ports = { ...cloud!, artifacts: new FolderArtifactStore(path.join(root, 'bucket')) };
    return { ports, published: recordPublishes(ports) };
  }, 'emu');
});
