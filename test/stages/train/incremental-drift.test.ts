import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configHash, parseConfig } from '../../../functions/src/config/load.ts';
import { runFullRetrain } from '../../../functions/src/stages/train/full.ts';
import { runIncrementalRetrain } from '../../../functions/src/stages/train/incremental.ts';
import type { IncrementalValidation } from '../../../functions/src/stages/train/result.ts';
import { makeCsv } from './fixtures.ts';
import { openTestPorts, type TestPorts } from './ports.ts';

const config = parseConfig({ training: { rounds: 10, maxDepth: 3, workers: 1 }, validation: { qualityChecks: { minSamples: 50 } } });
const hash = configHash(config);

describe('incremental retrain under drift', () => {
  let ports: TestPorts;
  before(async () => {
    ports = await openTestPorts(config);
    await ports.artifacts.put('datasets/old/data.csv', makeCsv({ rows: 600, seed: 1, noise: 0.05 }));
    // The world moved: the same features now lead to other classes.
    await ports.artifacts.put('datasets/drifted/data.csv', makeCsv({ rows: 1200, seed: 2, shift: 0.35, noise: 0.05 }));
    await runFullRetrain(ports, config, { dataPath: 'datasets/old/data.csv', runId: 'run_f1', configHash: hash });
  });
  after(async () => ports.close());

  it('without detected drift, an update that learns the drift is rejected for forgetting the past', async () => {
    const res = await runIncrementalRetrain(ports, config, { dataPath: 'datasets/drifted/data.csv', runId: 'run_i1', configHash: hash, promote: false });
    const v = res.validation_results as IncrementalValidation;
    assert.equal(res.status, 'no_improvement', v.reason);
    assert.ok(v.improvement >= config.strategies.incremental.minImprovementThreshold, `it does improve on the recent rows: ${v.improvement}`);
    assert.match(v.reason, /forgetting/);
  });

  it('with drift detected, the same update is judged on the recent rows and kept', async () => {
    const res = await runIncrementalRetrain(ports, config, { dataPath: 'datasets/drifted/data.csv', runId: 'run_i2', configHash: hash, promote: false, driftDetected: true });
    const v = res.validation_results as IncrementalValidation;
    assert.equal(res.status, 'success', v.reason);
    assert.equal(v.old_data, null);
    assert.match(v.reason, /drift detected: judged on recent data/);
    assert.ok(res.model_version);
  });
});
