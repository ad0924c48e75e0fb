import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configHash, parseConfig } from '../../../functions/src/config/load.ts';
import { readBundle } from '../../../functions/src/models/bundle.ts';
import { ManifestSchema } from '../../../functions/src/models/manifest.ts';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { DataError } from '../../../functions/src/shared/errors.ts';
import { runFullRetrain, type FullRetrainOptions } from '../../../functions/src/stages/train/full.ts';
import type { FullValidation } from '../../../functions/src/stages/train/result.ts';
import { makeCsv, makeRows, toCsv } from './fixtures.ts';
import { openTestPorts, type TestPorts } from './ports.ts';

const config = parseConfig({ training: { rounds: 8, maxDepth: 3, workers: 1 }, validation: { qualityChecks: { minSamples: 50 } } });
const opts = (runId: string, dataPath: string, extra: Partial<FullRetrainOptions> = {}): FullRetrainOptions => ({ dataPath, runId, configHash: configHash(config), ...extra });

describe('full retrain', () => {
  let ports: TestPorts;
  let registry: ModelRegistry;
  before(async () => {
    ports = await openTestPorts(config);
    registry = new ModelRegistry(ports.artifacts, 'models');
    await ports.artifacts.put('datasets/r1/data.csv', makeCsv({ rows: 300, seed: 1, withId: true }));
  });
  after(async () => ports.close());

  it('trains all eleven models, writes a complete version and makes the first one current', async () => {
    const res = await runFullRetrain(ports, config, opts('run_full_1', 'datasets/r1/data.csv', { metadataPath: 'datasets/r1/data_metadata.json' }));
    assert.equal(res.status, 'success');
    assert.equal(res.model_version, 'v_20261127_080000');
    assert.equal(res.samples_used, 300);
    const v = res.validation_results as FullValidation;
    assert.equal(v.deployed, true);
    assert.equal(Object.keys(v.test).length, 11);
    assert.ok(v.summary.meanAccuracy > 0.5, `accuracy ${v.summary.meanAccuracy}`);
    const manifest = ManifestSchema.parse(JSON.parse((await ports.artifacts.get('models/v_20261127_080000/manifest.json')).toString()));
    assert.equal(manifest.strategy, 'full');
    assert.equal(manifest.parentVersion, null);
    assert.equal(manifest.samples.heldOut, 60);
    assert.equal(manifest.data.metadataPath, 'datasets/r1/data_metadata.json');
    assert.equal(manifest.files.length, 3 + 11);
    assert.deepEqual(Object.keys(manifest.engine.models).sort(), Object.keys(v.test).sort());
    assert.equal(manifest.engine.models.css_class_font.params.objective, 'multi:softprob');
    assert.equal(manifest.engine.models.css_var_0.params.objective, 'reg:squarederror');
    assert.equal((await registry.current())!.pointer.version, 'v_20261127_080000');
    const bundle = await readBundle(ports.artifacts, 'models', manifest.version, manifest);
    assert.equal(bundle.reference.rows, 240);
    assert.equal(Object.keys(bundle.reference.features).length, 19);
    assert.ok(Math.abs(Object.values(bundle.reference.predictions.classes.css_class_density).reduce((a, b) => a + b, 0) - 1) < 1e-6);
  });

  it('gives byte-identical models for the same data, seed and config (whatever the worker count)', async () => {
    const other = await openTestPorts(config, '2026-12-01T00:00:00Z');
    try {
      await other.artifacts.put('datasets/r1/data.csv', await ports.artifacts.get('datasets/r1/data.csv'));
      const cfg2 = parseConfig({ ...config, training: { ...config.training, workers: 2 } });
      const res = await runFullRetrain(other, cfg2, opts('run_other', 'datasets/r1/data.csv'));
      const a = await registry.manifest('v_20261127_080000');
      const b = await new ModelRegistry(other.artifacts, 'models').manifest(res.model_version!);
      assert.deepEqual(b.files, a.files);
    } finally {
      await other.close();
    }
  });

  it('compares with the current version on the same held-out rows and deploys only a winner', async () => {
    ports.clock.advance(3600_000);
    // Same data, same seed: the candidate equals the current one, improvement 0 < 1 %.
    const same = await runFullRetrain(ports, config, opts('run_full_2', 'datasets/r1/data.csv', { compareWithCurrent: true, deployIfBetter: true }));
    const v = same.validation_results as FullValidation;
    assert.equal(v.compared_with, 'v_20261127_080000');
    assert.equal(v.comparison!.improvement, 0);
    assert.equal(v.deployed, false);
    assert.match(v.deploy_reason, /< threshold/);
    assert.equal((await registry.current())!.pointer.version, 'v_20261127_080000');
    // More data and more rounds: better on the held-out rows, so it is deployed.
    await ports.artifacts.put('datasets/r3/data.csv', makeCsv({ rows: 900, seed: 5 }));
    ports.clock.advance(3600_000);
    const better = await runFullRetrain(ports, parseConfig({ ...config, training: { ...config.training, rounds: 25 } }), opts('run_full_3', 'datasets/r3/data.csv', { deployIfBetter: true }));
    const w = better.validation_results as FullValidation;
    assert.ok(w.comparison!.improvement >= 0.01, `improvement ${w.comparison!.improvement}`);
    assert.equal(w.deployed, true);
    const cur = (await registry.current())!.pointer;
    assert.equal(cur.version, better.model_version);
    assert.equal(cur.previousVersion, 'v_20261127_080000');
  });

  it('refuses bad data with an error naming row and column, writing nothing', async () => {
    const rows = makeRows({ rows: 100, seed: 2 });
    rows[41].feature_3 = 'n/a';
    await ports.artifacts.put('datasets/bad/data.csv', toCsv(rows));
    const before = (await ports.artifacts.list('models/')).length;
    await assert.rejects(runFullRetrain(ports, config, opts('run_bad', 'datasets/bad/data.csv')), (e: unknown) => e instanceof DataError && /line 43 \(row 42\), column feature_3/.test(e.message));
    assert.equal((await ports.artifacts.list('models/')).length, before);
  });

  it('skips with too few rows', async () => {
    await ports.artifacts.put('datasets/small/data.csv', makeCsv({ rows: 20, seed: 2 }));
    const res = await runFullRetrain(ports, config, opts('run_small', 'datasets/small/data.csv'));
    assert.deepEqual([res.status, res.reason, res.model_version], ['skipped', 'Insufficient data: 20 < 50', null]);
  });
});
