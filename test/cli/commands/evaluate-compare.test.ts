/** `retrain evaluate` and `retrain compare` on a temp embedded store, through the CLI. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ComparisonReportSchema } from '../../../functions/src/stages/compare/comparison-report.ts';
import { EvaluationReportSchema } from '../../../functions/src/stages/evaluate/evaluation-report.ts';
import { makeCsv } from '../../stages/train/fixtures.ts';
import { runCli } from '../run-cli.ts';

let root: string;
let cfg: string;
const retrain = (args: string[]) => runCli([...args, '--root', root, '--config', cfg]);
const versions: string[] = [];

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'eval-cli-'));
  cfg = path.join(root, 'retraining.yaml');
  await writeFile(cfg, 'training:\n  rounds: 5\n  maxDepth: 3\n  workers: 1\nvalidation:\n  qualityChecks:\n    minSamples: 50\n');
  await writeFile(path.join(root, 'a.csv'), makeCsv({ rows: 400, seed: 1 }));
  await writeFile(path.join(root, 'test.csv'), makeCsv({ rows: 300, seed: 8 }));
  for (const rounds of [5, 25]) {
    await writeFile(cfg, `training:\n  rounds: ${rounds}\n  maxDepth: 3\n  workers: 1\nvalidation:\n  qualityChecks:\n    minSamples: 50\n`);
    const r = await retrain(['full', '--data', path.join(root, 'a.csv'), '--json', '--run-id', `run_r${rounds}`]);
    assert.equal(r.code, 0, r.stderr);
    versions.push(JSON.parse(r.stdout).model_version);
  }
});
after(async () => rm(root, { recursive: true, force: true }));

describe('retrain evaluate / compare', () => {
  it('evaluate --json prints version, rows, targets, summary and latency', async () => {
    const r = await retrain(['evaluate', '--model', 'current', '--data', path.join(root, 'test.csv'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = EvaluationReportSchema.parse(JSON.parse(r.stdout));
    assert.equal(out.version, versions[0]);
    assert.equal(out.rows, 300);
    assert.equal(Object.keys(out.targets).length, 11);
    assert.ok(out.summary.meanAccuracy > 0.4 && out.latency.p50MsPer1k > 0);
  });

  it('evaluate reads a local version folder and prints a table', async () => {
    const folder = path.join(root, '.retrain', 'bucket', 'models', versions[1]);
    const r = await retrain(['evaluate', '--model', folder, '--data', path.join(root, 'test.csv')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${versions[1]} on .*test\\.csv \\(300 rows\\)`));
    assert.match(r.stdout, /css_class_theme\s+300\s+0\s+acc 0\.\d{4}/);
  });

  it('compare --json has the original keys, a verdict and per-target tests', async () => {
    const r = await retrain(['compare', '--model-a', versions[0], '--model-b', versions[1], '--test-data', path.join(root, 'test.csv'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = ComparisonReportSchema.parse(JSON.parse(r.stdout));
    assert.equal(out.model_a.version, versions[0]);
    assert.equal(out.model_b.version, versions[1]);
    for (const t of Object.values(out.targets)) for (const k of ['a', 'b', 'diff', 'p_value', 'test', 'significant', 'winner']) assert.ok(k in t, k);
    assert.equal(out.targets.css_class_font.test.startsWith('mcnemar'), true);
    assert.equal(out.targets.css_var_0.test, 'paired-bootstrap');
    assert.equal(out.compatibility.compatible, true);
    assert.ok(['a', 'b', 'none'].includes(out.summary.winner));
  });

  it('compare --generate-plots --export-report dir writes the JSON, the summary, the page and every chart', async () => {
    const dir = path.join(root, 'report');
    const r = await retrain(['compare', '--model-a', versions[0], '--model-b', versions[1], '--test-data', path.join(root, 'test.csv'), '--generate-plots', '--export-report', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = ComparisonReportSchema.parse(JSON.parse(r.stdout));
    assert.equal(out.report?.html, path.join(dir, 'report.html'));
    assert.equal(out.report?.charts.length, 6);
    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    assert.equal((html.match(/<svg /g) ?? []).length >= 6, true);
    assert.deepEqual(ComparisonReportSchema.parse(JSON.parse(await readFile(path.join(dir, 'comparison.json'), 'utf8'))).summary, out.summary);
    // Without a dir: into the bucket under reports/<a>-vs-<b>/.
    const inBucket = await retrain(['compare', '--model-a', versions[0], '--model-b', versions[1], '--test-data', path.join(root, 'test.csv'), '--export-report', '--json']);
    assert.equal(JSON.parse(inBucket.stdout).report.json, `reports/${versions[0]}-vs-${versions[1]}/comparison.json`);
  });

  it('full --compare-with-current runs the gate against the serving version and stores the report', async () => {
    const r = await retrain(['full', '--data', path.join(root, 'test.csv'), '--compare-with-current', '--run-id', 'run_cmp', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.model_validation.comparedWith, versions[0]);
    assert.equal(typeof out.model_validation.performance_acceptable, 'boolean');
    assert.equal(out.report_path, 'reports/run_cmp/comparison.json');
    const stored = ComparisonReportSchema.parse(JSON.parse(await readFile(path.join(root, '.retrain', 'bucket', 'reports', 'run_cmp', 'comparison.json'), 'utf8')));
    assert.equal(stored.model_b.version, out.model_version);
    const human = await retrain(['full', '--data', path.join(root, 'test.csv'), '--compare-with-current', '--run-id', 'run_cmp']);
    assert.match(human.stdout, /Validation against v_\d{8}_\d{6}: (passed|FAILED)/);
  });

  it('bad references and data exit non-zero naming the flag', async () => {
    const r = await retrain(['compare', '--model-a', 'nope', '--model-b', versions[1], '--test-data', path.join(root, 'test.csv')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--model-a nope: not a version name/);
    const missing = await retrain(['evaluate', '--model', 'v_20990101_000000', '--data', path.join(root, 'test.csv')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /v_20990101_000000 not found/);
  });
});
