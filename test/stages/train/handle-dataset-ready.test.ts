import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { TransientError } from '../../../functions/src/shared/errors.ts';
import { DatasetReadySchema, type DatasetReady, type ModelTrained } from '../../../functions/src/shared/messages.ts';
import { getRun } from '../../../functions/src/runs/run-record.ts';
import { readBinding } from '../../../functions/src/runs/version-binding.ts';
import { trainStep } from '../../../functions/src/stages/pipeline/train-step.ts';
import { handleDatasetReady } from '../../../functions/src/stages/train/handle-dataset-ready.ts';
import { makeCsv, makeRows, toCsv } from './fixtures.ts';
import { openTestPorts, type TestPorts } from './ports.ts';

const config = parseConfig({
  training: { rounds: 4, maxDepth: 3, workers: 1 },
  strategies: { full: { hyperparameterTuning: false } },
  validation: { qualityChecks: { minSamples: 50 } },
});

async function dataset(ports: TestPorts, runId: string, csv: string): Promise<DatasetReady> {
  const csvPath = `datasets/${runId}/production_data.csv`;
  const metadataPath = `datasets/${runId}/production_data_metadata.json`;
  await ports.artifacts.put(csvPath, csv);
  await ports.artifacts.put(metadataPath, '{}');
  return DatasetReadySchema.parse({ runId, strategy: 'auto', csvPath, metadataPath, rows: csv.split('\n').length - 2, verdict: 'proceed', reasons: [] });
}

describe('handleDatasetReady', () => {
  let ports: TestPorts;
  let registry: ModelRegistry;
  const published: ModelTrained[] = [];
  before(async () => {
    ports = await openTestPorts(config);
    registry = new ModelRegistry(ports.artifacts, 'models');
    await ports.bus.subscribe<ModelTrained>('model-trained', async (d) => void published.push(d.data));
  });
  after(async () => ports.close());
  const drain = async () => ports.bus.drain?.();

  it('trains a first full version from a dataset and publishes model-trained', async () => {
    const msg = await dataset(ports, 'run_t1', makeCsv({ rows: 250, seed: 1 }));
    const out = await handleDatasetReady(ports, config, msg);
    await drain();
    assert.equal(out.status, 'published');
    const m = published.at(-1)!;
    assert.deepEqual([m.runId, m.status, m.strategy, m.version], ['run_t1', 'success', 'full', 'v_20261127_080000']);
    assert.ok(m.metrics['css_class_density.accuracy'] > 0);
    assert.equal((await registry.current())!.pointer.version, 'v_20261127_080000');
    const run = (await getRun(ports, 'run_t1', { collection: config.pipeline.collections.runs }))!;
    assert.equal(run.status, 'succeeded');
    assert.equal(run.outputs.version, 'v_20261127_080000');
  });

  it('a redelivered message yields the same single version', async () => {
    ports.clock.advance(60_000);
    const msg = await dataset(ports, 'run_t1', makeCsv({ rows: 250, seed: 1 }));
    const out = await handleDatasetReady(ports, config, msg);
    assert.equal(out.status, 'republished');
    // Even when the run record is lost, the registry binds the run to its version.
    await ports.records.delete(config.pipeline.collections.runs, 'run_t1');
    const again = await handleDatasetReady(ports, config, msg);
    assert.equal(again.status, 'published');
    await drain();
    assert.deepEqual(published.slice(-2).map((m) => m.version), ['v_20261127_080000', 'v_20261127_080000']);
    assert.deepEqual(await registry.listVersions(), ['v_20261127_080000']);
  });

  it('a replay after a crash between writing the version and recording the result reuses the version', async () => {
    const msg = await dataset(ports, 'run_t1', makeCsv({ rows: 250, seed: 1 }));
    const bound = (await readBinding(ports.artifacts, registry.layout, 'run_t1'))!;
    // As if the first delivery died right after the manifest: no result on the binding, no run record.
    await ports.artifacts.put(bound.path, JSON.stringify({ ...bound.binding, result: null }));
    await ports.records.delete(config.pipeline.collections.runs, 'run_t1');
    // Without the CSV a retrain would fail: success proves the version is reused, not retrained.
    await ports.artifacts.delete(msg.csvPath);
    const out = await handleDatasetReady(ports, config, msg);
    assert.equal(out.status, 'published');
    assert.equal(out.status === 'published' && out.message.status, 'success');
    assert.equal(out.status === 'published' && out.message.version, 'v_20261127_080000');
    assert.ok(out.status === 'published' && out.message.metrics['css_var_0.rmse'] > 0);
    assert.deepEqual(await registry.listVersions(), ['v_20261127_080000']);
  });

  it('auto picks incremental once a compatible current version exists', async () => {
    ports.clock.advance(3600_000);
    const msg = await dataset(ports, 'run_t2', makeCsv({ rows: 400, seed: 2 }));
    await handleDatasetReady(ports, config, msg);
    await drain();
    const m = published.at(-1)!;
    assert.equal(m.strategy, 'incremental');
    assert.ok(m.status === 'success' || m.status === 'no_improvement');
    assert.equal(typeof m.metrics.improvement, 'number');
    // The trainer does not move the pointer after the first version: deploying is another stage's call.
    assert.equal((await registry.current())!.pointer.version, 'v_20261127_080000');
  });

  it('bad data fails the run for good and publishes a failed message', async () => {
    const rows = makeRows({ rows: 120, seed: 3 });
    rows[5].css_class_font = 'huge';
    const msg = await dataset(ports, 'run_t3', toCsv(rows));
    const before = await registry.listVersions();
    const out = await handleDatasetReady(ports, config, msg);
    await drain();
    assert.equal(out.status, 'published');
    const m = published.at(-1)!;
    assert.equal(m.status, 'failed');
    assert.match(m.reason!, /row 6\), column css_class_font: unknown class label "huge"/);
    assert.deepEqual(await registry.listVersions(), before);
    assert.equal((await getRun(ports, 'run_t3', { collection: config.pipeline.collections.runs }))!.status, 'failed');
  });

  it('rejects an invalid message, and retries a dataset that is not complete yet', async () => {
    // Parsed at the edge (the train step): never reaches the handler.
    assert.equal((await trainStep(ports, config, { runId: 'x' })).status, 'rejected');
    const msg = { ...(await dataset(ports, 'run_t4', makeCsv({ rows: 100, seed: 4 }))), metadataPath: 'datasets/run_t4/none.json' };
    await assert.rejects(handleDatasetReady(ports, config, msg), TransientError);
  });
});
