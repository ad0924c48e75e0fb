/** Predicting a bundle across worker threads gives exactly the in-process numbers. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../functions/src/config/load.ts';
import { predictBundle, predictBundleParallel } from '../../functions/src/models/bundle.ts';
import { resolveModel } from '../../functions/src/stages/evaluate/model-ref.ts';
import { parseTrainingCsv } from '../../functions/src/stages/train/dataset.ts';
import { runFullRetrain } from '../../functions/src/stages/train/full.ts';
import { defaultTargets } from '../../functions/src/stages/train/targets.ts';
import { makeCsv } from '../stages/train/fixtures.ts';
import { openTestPorts, type TestPorts } from '../stages/train/ports.ts';

const config = parseConfig({ training: { rounds: 6, maxDepth: 3, workers: 1 }, validation: { qualityChecks: { minSamples: 50 } } });
let ports: TestPorts;
before(async () => {
  ports = await openTestPorts(config);
});
after(async () => ports.close());

describe('predictBundleParallel', () => {
  it('returns the same float32 predictions as predictBundle for every target', async () => {
    const r = await runFullRetrain(ports, config, { dataPath: 'd/a.csv', dataBytes: Buffer.from(makeCsv({ rows: 300, seed: 1 })), runId: 'run_w', configHash: 'w' });
    const m = await resolveModel(ports.artifacts, config, r.model_version!);
    const table = parseTrainingCsv(makeCsv({ rows: 500, seed: 2 }), 't.csv', defaultTargets());
    const here = predictBundle(m.bundle, table.values, table.rows);
    const there = await predictBundleParallel(m.bundle, table.values, table.rows, { workers: 2, parallelFrom: 0 });
    assert.deepEqual(Object.keys(there).sort(), Object.keys(here).sort());
    for (const name of Object.keys(here)) assert.deepEqual(there[name], here[name], name);
  });
});
