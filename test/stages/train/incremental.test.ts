import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configHash, parseConfig } from '../../../functions/src/config/load.ts';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { DataError, NotFoundError } from '../../../functions/src/shared/errors.ts';
import { runFullRetrain } from '../../../functions/src/stages/train/full.ts';
import { runIncrementalRetrain, type IncrementalRetrainOptions } from '../../../functions/src/stages/train/incremental.ts';
import type { IncrementalValidation } from '../../../functions/src/stages/train/result.ts';
import { makeCsv, makeRows, toCsv } from './fixtures.ts';
import { openTestPorts, type TestPorts } from './ports.ts';

const config = parseConfig({ training: { rounds: 4, maxDepth: 3, workers: 1 }, validation: { qualityChecks: { minSamples: 50 } } });
const opts = (runId: string, dataPath: string, extra: Partial<IncrementalRetrainOptions> = {}): IncrementalRetrainOptions => ({ dataPath, runId, configHash: configHash(config), ...extra });

describe('incremental retrain', () => {
  let ports: TestPorts;
  let registry: ModelRegistry;
  let parent: string;
  before(async () => {
    ports = await openTestPorts(config);
    registry = new ModelRegistry(ports.artifacts, 'models');
    await ports.artifacts.put('datasets/old/data.csv', makeCsv({ rows: 200, seed: 1 }));
    await ports.artifacts.put('datasets/new/data.csv', makeCsv({ rows: 400, seed: 2 }));
  });
  after(async () => ports.close());

  it('needs a current version', async () => {
    await assert.rejects(runIncrementalRetrain(ports, config, opts('run_i0', 'datasets/new/data.csv')), NotFoundError);
    parent = (await runFullRetrain(ports, config, { dataPath: 'datasets/old/data.csv', runId: 'run_f1', configHash: configHash(config) })).model_version!;
  });

  it('skips with fewer rows than min-samples', async () => {
    const res = await runIncrementalRetrain(ports, config, opts('run_i1', 'datasets/new/data.csv', { minSamples: 1000 }));
    assert.deepEqual([res.status, res.reason, res.model_version], ['skipped', 'Insufficient data: 400 < 1000', null]);
  });

  it('continues every model from its parent and keeps an update that improves without forgetting', async () => {
    ports.clock.advance(3600_000);
    const res = await runIncrementalRetrain(ports, config, opts('run_i2', 'datasets/new/data.csv', { backupCurrent: true }));
    const v = res.validation_results as IncrementalValidation;
    assert.equal(res.status, 'success', v.reason);
    assert.equal(v.parent_version, parent);
    assert.ok(v.improvement >= 0.01);
    assert.ok(v.old_data && v.old_data.improvement >= -0.02);
    assert.equal(v.deployed, true);
    const m = await registry.manifest(res.model_version!);
    assert.equal(m.strategy, 'incremental');
    assert.equal(m.parentVersion, parent);
    assert.equal(m.oldData!.path, 'datasets/old/data.csv');
    const pm = await registry.manifest(parent);
    for (const [name, t] of Object.entries(m.engine.models)) {
      assert.equal(t.totalRounds, pm.engine.models[name].totalRounds + 20, name);
      assert.equal(t.params.eta, Number((0.1 * 0.8).toPrecision(12)));
    }
    // The scaler is the parent's (the trees split on its scale).
    assert.equal(m.files.find((f) => f.path === 'scaler.json')!.sha256, pm.files.find((f) => f.path === 'scaler.json')!.sha256);
    const updated = JSON.parse((await ports.artifacts.get(`models/${m.version}/models/css_var_0.json`)).toString());
    const before = JSON.parse((await ports.artifacts.get(`models/${parent}/models/css_var_0.json`)).toString());
    const trees = (j: any) => j.learner.gradient_booster.model.trees;
    assert.equal(trees(updated).length, trees(before).length + 20);
    assert.deepEqual(trees(updated).slice(0, trees(before).length).map((t: any) => t.split_conditions), trees(before).map((t: any) => t.split_conditions));
    assert.equal((await registry.current())!.pointer.version, m.version);
    const backup = JSON.parse((await ports.artifacts.get(res.backup!)).toString());
    assert.equal(backup.pointer.version, parent);
  });

  it('rejects an update that does not improve, writing no version', async () => {
    await ports.artifacts.put('datasets/noise/data.csv', makeCsv({ rows: 300, seed: 9, noise: 1 }));
    const versions = await registry.listVersions();
    ports.clock.advance(3600_000);
    const res = await runIncrementalRetrain(ports, config, opts('run_i3', 'datasets/noise/data.csv'));
    assert.equal(res.status, 'no_improvement');
    assert.equal(res.model_version, null);
    assert.ok((res.validation_results as IncrementalValidation).reason.length > 0);
    assert.deepEqual(await registry.listVersions(), versions);
  });

  it('refuses a class label the current bundle does not know', async () => {
    const rows = makeRows({ rows: 120, seed: 4 });
    rows[7].css_class_density = 'cozy';
    await ports.artifacts.put('datasets/label/data.csv', toCsv(rows));
    await assert.rejects(runIncrementalRetrain(ports, config, opts('run_i4', 'datasets/label/data.csv')), (e: unknown) => e instanceof DataError && /row 8\), column css_class_density: unknown class label "cozy"/.test(e.message));
  });
});
