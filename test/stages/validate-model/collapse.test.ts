/**
 * One target destroyed while the mean improves: the per-target rule rejects it, naming the
 * target — in the incremental keep/reject decision (the update learned a permuted theme: better
 * on its own rows, collapsed on the parent's) and in the validation gate (a candidate whose theme
 * model is noise, the ten others better). And one-class data is refused before training.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configHash, parseConfig } from '../../../functions/src/config/load.ts';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { DataError } from '../../../functions/src/shared/errors.ts';
import { compareScored } from '../../../functions/src/stages/compare/compare.ts';
import { scoreVersion } from '../../../functions/src/stages/evaluate/evaluate.ts';
import { resolveModel, type ResolvedModel } from '../../../functions/src/stages/evaluate/model-ref.ts';
import { parseTrainingCsv } from '../../../functions/src/stages/train/dataset.ts';
import { runFullRetrain } from '../../../functions/src/stages/train/full.ts';
import { runIncrementalRetrain } from '../../../functions/src/stages/train/incremental.ts';
import type { IncrementalValidation } from '../../../functions/src/stages/train/result.ts';
import { defaultTargets } from '../../../functions/src/stages/train/targets.ts';
import { validateModel } from '../../../functions/src/stages/validate-model/validate-model.ts';
import { makeCsv, makeRows, toCsv } from '../train/fixtures.ts';
import { openTestPorts, type TestPorts } from '../train/ports.ts';

const base = { training: { rounds: 25, maxDepth: 4, workers: 1 }, validation: { qualityChecks: { minSamples: 50 } } };
const config = parseConfig(base);
const PERMUTE: Record<string, string> = { light: 'dark', dark: 'high-contrast', 'high-contrast': 'light' };

describe('a collapsed target is rejected by name', () => {
  let ports: TestPorts;
  before(async () => {
    ports = await openTestPorts(config);
  });
  after(async () => ports.close());

  it('incremental: the update learned a permuted theme (better on new rows, collapsed on the parent’s) → rejected naming css_class_theme', async () => {
    await ports.artifacts.put('datasets/old/data.csv', makeCsv({ rows: 1500, seed: 1 }));
    const rows = makeRows({ rows: 1500, seed: 2 }).map((r) => ({ ...r, css_class_theme: PERMUTE[r.css_class_theme] }));
    await ports.artifacts.put('datasets/new/data.csv', toCsv(rows));
    await runFullRetrain(ports, config, { dataPath: 'datasets/old/data.csv', runId: 'run_parent', configHash: configHash(config) });
    ports.clock.advance(3600_000);
    const lenient = parseConfig({ ...base, strategies: { incremental: { minImprovementThreshold: -10, maxOldDataRegression: 100, maxNewTrees: 40, learningRateFactor: 1 } } });
    const res = await runIncrementalRetrain(ports, lenient, { dataPath: 'datasets/new/data.csv', runId: 'run_update', configHash: 'x' });
    const v = res.validation_results as IncrementalValidation;
    assert.ok(v.new_data.perTarget.css_class_theme > 0.1, `theme better on the new rows: ${v.new_data.perTarget.css_class_theme}`);
    assert.ok(v.old_data!.perTarget.css_class_theme < -0.1, `theme collapsed on the parent's rows: ${v.old_data!.perTarget.css_class_theme}`);
    assert.equal(res.status, 'no_improvement');
    assert.equal(v.accepted, false);
    assert.match(v.reason, /parent's data \(forgetting\): css_class_theme: accuracy/);
    assert.doesNotMatch(v.reason, /css_class_(density|font)/);
    assert.equal(res.model_version, null);
  });

  it('gate: a candidate whose theme model is noise fails accuracy_test on css_class_theme though ten targets improved', async () => {
    const cfg = (rounds: number) => parseConfig({ ...base, training: { ...base.training, rounds } });
    const csv = makeCsv({ rows: 1500, seed: 4 });
    const weak = (await runFullRetrain(ports, cfg(3), { dataPath: 'datasets/g/a.csv', dataBytes: Buffer.from(csv), runId: 'run_weak', configHash: 'w' })).model_version!;
    const strong = (await runFullRetrain(ports, cfg(30), { dataPath: 'datasets/g/a.csv', dataBytes: Buffer.from(csv), runId: 'run_strong', configHash: 's' })).model_version!;
    const noise = (await runFullRetrain(ports, cfg(30), { dataPath: 'datasets/g/n.csv', dataBytes: Buffer.from(makeCsv({ rows: 1500, seed: 5, noise: 1 })), runId: 'run_noise', configHash: 'n' })).model_version!;
    const a = await resolveModel(ports.artifacts, config, weak);
    const s = await resolveModel(ports.artifacts, config, strong);
    const n = await resolveModel(ports.artifacts, config, noise);
    const b: ResolvedModel = { ...s, ref: 'candidate', bundle: { ...s.bundle, version: 'v_20261127_090000_cand', boosters: { ...s.bundle.boosters, css_class_theme: n.bundle.boosters.css_class_theme } } };
    const table = parseTrainingCsv(makeCsv({ rows: 2000, seed: 9 }), 'holdout.csv', defaultTargets());
    const now = ports.clock.now();
    const sa = { model: a, scored: scoreVersion(a.bundle, a.source, table, { now }) };
    const sb = { model: b, scored: scoreVersion(b.bundle, b.source, table, { now }) };
    const cmp = compareScored(sa, sb, { alpha: 0.05, seed: 42, now });
    assert.ok(cmp.summary.b_wins.length >= 6, `B better on most targets: ${cmp.summary.b_wins.join(', ')}`);
    assert.deepEqual(cmp.summary.a_wins, ['css_class_theme']);
    assert.equal(cmp.targets.css_class_theme.winner, 'a');
    const v = validateModel(config, { candidate: { bundle: b.bundle, evaluation: sb.scored.report }, comparison: cmp, serving: a.bundle, heldOut: table, dataIssues: [], now });
    assert.equal(v.performance_acceptable, false);
    assert.equal(v.tests.accuracy_test.status, 'failed');
    assert.ok(v.issues.some((i) => /^accuracy_test: css_class_theme: accuracy .* of serving v_/.test(i)), v.issues.join('\n'));
    assert.equal(v.targets.css_class_theme.passed, false);
    assert.equal(v.targets.css_class_font.passed, true);
    // After drift the serving version is the stale one: the comparison warns, the absolute checks still judge.
    const drifted = validateModel(config, { candidate: { bundle: b.bundle, evaluation: sb.scored.report }, comparison: cmp, serving: a.bundle, heldOut: table, dataIssues: [], now, driftDetected: true });
    assert.ok(!drifted.issues.some((i) => /of serving v_/.test(i)), drifted.issues.join('\n'));
    assert.ok(drifted.warnings.some((w) => /css_class_theme: accuracy .* of serving v_.*not failing: drift detected/.test(w)), drifted.warnings.join('\n'));
    assert.equal(drifted.issues.length, v.issues.filter((i) => !/of serving v_/.test(i)).length);
  });

  it('one-class data: the full retrain refuses to train, naming the target and its class', async () => {
    const rows = makeRows({ rows: 300, seed: 6 }).map((r) => ({ ...r, css_class_theme: 'light' }));
    await assert.rejects(
      runFullRetrain(ports, config, { dataPath: 'datasets/one/a.csv', dataBytes: Buffer.from(toCsv(rows)), runId: 'run_one', configHash: 'o' }),
      (err: unknown) => err instanceof DataError && err.code === 'DATA_QUALITY' && /css_class_theme has a single class in the training data \(light, 300 rows\)/.test(err.message),
    );
    const rare = makeRows({ rows: 300, seed: 7 }).map((r, i) => ({ ...r, css_class_theme: i < 1 ? 'high-contrast' : r.css_class_theme === 'high-contrast' ? 'dark' : r.css_class_theme }));
    await assert.rejects(runFullRetrain(ports, config, { dataPath: 'datasets/one/b.csv', dataBytes: Buffer.from(toCsv(rare)), runId: 'run_rare', configHash: 'r' }), /css_class_theme class high-contrast has 1 of 300 training rows \(0\.33 % < minTrainClassShare 0\.50 %\)/);
    assert.equal((await new ModelRegistry(ports.artifacts, 'models').listVersions()).length, 4, 'no version of the refused data');
  });
});
