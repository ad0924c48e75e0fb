/**
 * The gate inside the trainer (the original's stage 6): a failing candidate fails the run with
 * its reasons, stays stored and marked rejected, and moves no pointer — also on redelivery; a
 * passing one is compared with the serving version and the report's path travels on the
 * `model-trained` message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../../functions/src/config/load.ts';
import type { RetrainingConfigInput } from '../../../functions/src/config/schema.ts';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { DatasetReadySchema, type DatasetReady, type ModelTrained } from '../../../functions/src/shared/messages.ts';
import { ComparisonReportSchema } from '../../../functions/src/stages/compare/comparison-report.ts';
import { getRun } from '../../../functions/src/runs/run-record.ts';
import { handleDatasetReady } from '../../../functions/src/stages/train/handle-dataset-ready.ts';
import { readValidation } from '../../../functions/src/stages/validate-model/validate-version.ts';
import { makeCsv } from '../train/fixtures.ts';
import { openTestPorts, type TestPorts } from '../train/ports.ts';

const base: RetrainingConfigInput = { training: { rounds: 6, maxDepth: 3, workers: 1 }, strategies: { full: { hyperparameterTuning: false } }, validation: { qualityChecks: { minSamples: 50 } } };

async function dataset(ports: TestPorts, runId: string, csv: string): Promise<DatasetReady> {
  const csvPath = `datasets/${runId}/production_data.csv`;
  const metadataPath = `datasets/${runId}/production_data_metadata.json`;
  await ports.artifacts.put(csvPath, csv);
  await ports.artifacts.put(metadataPath, '{}');
  return DatasetReadySchema.parse({ runId, strategy: 'full', csvPath, metadataPath, rows: 600, verdict: 'proceed', reasons: [] });
}

describe('the validation gate in the trainer', () => {
  let ports: TestPorts;
  let registry: ModelRegistry;
  const published: ModelTrained[] = [];
  before(async () => {
    ports = await openTestPorts(parseConfig(base));
    registry = new ModelRegistry(ports.artifacts, 'models');
    await ports.bus.subscribe<ModelTrained>('model-trained', async (d) => void published.push(d.data));
  });
  after(async () => ports.close());

  it('a candidate below minAccuracy fails the run with the targets named, stays stored as rejected, and becomes nothing', async () => {
    const strict = parseConfig({ ...base, validation: { ...base.validation, performanceTests: { minAccuracy: 0.99 } } });
    const msg = await dataset(ports, 'run_strict', makeCsv({ rows: 600, seed: 1 }));
    for (let delivery = 0; delivery < 2; delivery++) {
      await handleDatasetReady(ports, strict, msg);
      await ports.bus.drain!();
      const m = published.at(-1)!;
      assert.equal(m.status, 'failed');
      assert.match(m.reason ?? '', /Model validation failed for v_\d+_\d+: accuracy_test: css_class_density accuracy 0\.\d+ < minAccuracy 0\.99; accuracy_test: css_class_font/);
    }
    const run = (await getRun(ports, 'run_strict', { collection: strict.pipeline.collections.runs }))!;
    assert.equal(run.status, 'failed');
    assert.equal(run.error?.code, 'VALIDATION_FAILED');
    const versions = await registry.listVersions();
    assert.equal(versions.length, 1, 'the candidate is kept, once');
    const v = await readValidation(ports.artifacts, registry, versions[0]);
    assert.equal(v?.performance_acceptable, false);
    assert.equal(v?.targets.css_class_theme.passed, false);
    assert.equal(await registry.current(), null, 'no pointer moved');
  });

  it('a passing candidate is compared with the serving version; the report path rides on model-trained', async () => {
    const config = parseConfig(base);
    await handleDatasetReady(ports, config, await dataset(ports, 'run_first', makeCsv({ rows: 600, seed: 2 })));
    const first = (await registry.current())!.pointer.version;
    ports.clock.advance(3600_000);
    await handleDatasetReady(ports, config, await dataset(ports, 'run_second', makeCsv({ rows: 600, seed: 3 })));
    await ports.bus.drain!();
    const m = published.at(-1)!;
    assert.equal(m.status, 'success', m.reason);
    assert.equal(m.reportPath, 'reports/run_second/comparison.json');
    const report = ComparisonReportSchema.parse(JSON.parse((await ports.artifacts.get(m.reportPath!)).toString()));
    assert.equal(report.model_a.version, first);
    assert.equal(report.model_b.version, m.version);
    assert.equal(Object.keys(report.targets).length, 11);
    assert.equal((await registry.current())!.pointer.version, first, 'the trainer leaves later moves to the deploy stage');
    const run = (await getRun(ports, 'run_second', { collection: config.pipeline.collections.runs }))!;
    assert.equal((run.stages.train!.details.validation as { performance_acceptable: boolean }).performance_acceptable, true);
  });
});
