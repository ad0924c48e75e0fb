/**
 * The evaluation stage against an independent computation: the model JSON files are walked tree
 * by tree here (XGBoost's format, no engine code), scaled with the stored scaler, and the
 * accuracy and RMSE recomputed from scratch — they must equal what `evaluateModel` reports.
 * Also: empty target cells are skipped per target and counted, and every reference form loads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { FEATURE_COLUMNS } from '../../../functions/src/data/features.ts';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { evaluateModel } from '../../../functions/src/stages/evaluate/evaluate.ts';
import { EvaluationReportSchema } from '../../../functions/src/stages/evaluate/evaluation-report.ts';
import { resolveModel } from '../../../functions/src/stages/evaluate/model-ref.ts';
import { runFullRetrain } from '../../../functions/src/stages/train/full.ts';
import { makeRows, toCsv, makeCsv } from '../train/fixtures.ts';
import { openTestPorts, type TestPorts } from '../train/ports.ts';

const config = parseConfig({ training: { rounds: 12, maxDepth: 4, workers: 1 }, validation: { qualityChecks: { minSamples: 50 } } });
let ports: TestPorts;
let version: string;

before(async () => {
  ports = await openTestPorts(config);
  const r = await runFullRetrain(ports, config, { dataPath: 'datasets/a/production_data.csv', dataBytes: Buffer.from(makeCsv({ rows: 500, seed: 1 })), runId: 'run_eval_a', configHash: 'x' });
  version = r.model_version!;
});
after(async () => ports.close());

interface JsonTree { left_children: number[]; right_children: number[]; split_indices: number[]; split_conditions: number[]; default_left: Array<number | boolean> }

/** Sum of leaf values of every tree of each output group, walked by hand. */
function margins(model: any, x: number[]): number[] {
  const learner = model.learner;
  const k = Math.max(1, Number(learner.learner_model_param.num_class));
  const base = Number(learner.learner_model_param.base_score);
  const out = new Array<number>(k).fill(0);
  const trees: JsonTree[] = learner.gradient_booster.model.trees;
  const info: number[] = learner.gradient_booster.model.tree_info;
  trees.forEach((t, i) => {
    let n = 0;
    while (t.left_children[n] !== -1) {
      const v = x[t.split_indices[n]];
      n = Number.isNaN(v) ? (t.default_left[n] ? t.left_children[n] : t.right_children[n]) : v < t.split_conditions[n] ? t.left_children[n] : t.right_children[n];
    }
    out[info[i]] += t.split_conditions[n];
  });
  // softprob: a shared base margin does not change the argmax; a regression adds it.
  return k > 1 ? out : [out[0] + base];
}

describe('evaluateModel', () => {
  it('accuracy and RMSE equal an independent computation from the model files; missing targets are skipped and counted', async () => {
    const rows = makeRows({ rows: 300, seed: 9 });
    rows[3].css_class_font = '';
    rows[4].css_class_font = '';
    rows[5].css_var_2 = '';
    const csv = toCsv(rows);
    const model = await resolveModel(ports.artifacts, config, version);
    const { report } = await evaluateModel(ports.artifacts, model, { path: 'eval/week.csv', bytes: Buffer.from(csv) }, { now: ports.clock.now() });
    EvaluationReportSchema.parse(report);
    assert.equal(report.rows, 300);
    assert.equal(report.targets.css_class_font.rows, 298);
    assert.equal(report.targets.css_class_font.skipped, 2);
    assert.equal(report.targets.css_var_2.skipped, 1);
    assert.equal(report.targets.css_class_theme.skipped, 0);

    const dir = new ModelRegistry(ports.artifacts, 'models').layout;
    const scaler = JSON.parse((await ports.artifacts.get(dir.file(version, 'scaler.json'))).toString());
    const labels = JSON.parse((await ports.artifacts.get(dir.file(version, 'labels.json'))).toString());
    const records: Array<Record<string, string>> = parse(csv, { columns: true });
    for (const t of labels.targets) {
      const json = JSON.parse((await ports.artifacts.get(dir.model(version, t.name))).toString());
      let hits = 0;
      let n = 0;
      let sq = 0;
      for (const rec of records) {
        const x = FEATURE_COLUMNS.map((c, j) => (rec[c] === '' ? NaN : Math.fround((Math.fround(Number(rec[c])) - scaler.mean[j]) / scaler.std[j])));
        const m = margins(json, x);
        if (t.kind === 'class') {
          if (rec[t.name] === '') continue;
          n += 1;
          const best = m.indexOf(Math.max(...m));
          if (t.labels[best] === rec[t.name]) hits += 1;
        } else {
          if (rec[t.name] === '') continue;
          n += 1;
          sq += (m[0] - Math.fround(Number(rec[t.name]))) ** 2;
        }
      }
      const got = report.targets[t.name];
      if (got.kind === 'class') assert.ok(Math.abs(got.accuracy - hits / n) < 1e-9, `${t.name}: ${got.accuracy} vs ${hits / n}`);
      else assert.ok(Math.abs(got.rmse - Math.sqrt(sq / n)) / Math.sqrt(sq / n) < 1e-4, `${t.name}: ${got.kind === 'var' ? got.rmse : ''} vs ${Math.sqrt(sq / n)}`);
    }
    const theme = report.targets.css_class_theme;
    assert.equal(theme.kind, 'class');
    if (theme.kind === 'class') {
      assert.equal(theme.confusion.flat().reduce((a, b) => a + b, 0), theme.rows);
      assert.equal(theme.calibration.reduce((a, b) => a + b.count, 0), theme.rows);
      assert.ok(theme.brier >= 0 && theme.brier <= 2 && theme.ece >= 0 && theme.ece <= 1);
    }
    assert.ok(report.latency.p50MsPer1k > 0 && report.size.trees > 0);
  });

  it('loads current, a bucket path and a local version folder the same way; refuses a damaged file', async () => {
    await new ModelRegistry(ports.artifacts, 'models').moveCurrent(version, { expectedGeneration: (await new ModelRegistry(ports.artifacts, 'models').current())?.generation ?? '0', at: ports.clock.now(), reason: 'test' });
    for (const ref of ['current', `models/${version}`, `${ports.artifacts.root}/models/${version}`]) {
      const m = await resolveModel(ports.artifacts, config, ref);
      assert.equal(m.bundle.version, version, ref);
    }
    await assert.rejects(resolveModel(ports.artifacts, config, 'nonsense'), /not a version name/);
    const path = new ModelRegistry(ports.artifacts, 'models').layout.model(version, 'css_var_3');
    const original = await ports.artifacts.get(path);
    await ports.artifacts.put(path, original.toString().replace(/"split_conditions":\[/, '"split_conditions":[1e-3,'));
    await assert.rejects(resolveModel(ports.artifacts, config, version), /css_var_3\.json does not match the sha256/);
    await ports.artifacts.put(path, original);
  });
});
